"""The service API: a :class:`StoreSession` acts as one unlocked user; each call is one transaction.

The store's functions take a :class:`~csvc_core.store.context.Tx` first; a session runs one of them as its
user with :meth:`StoreSession.run`: ``session.run(cases.new_case, label)``. Each function checks the user's
rights (:mod:`csvc_core.store.access`), writes its audit entry in the same transaction as its change, queues
the case events for the plugins on the transaction (told after the commit), and raises
:class:`~csvc_core.errors.BadInput` (exit 2) or :class:`~csvc_core.errors.OperationFailed` (exit 1) with one
clear line, leaving the store as it was. A function that needs the framework (preview, re-reading, case
tools, a new organisation's sectors) takes it from the transaction (``tx.csvc``).

The session keeps only what is its own: unlocking, locking and expiry, its login engine (a new passphrase,
a step-up confirmation, break-glass which asks for it), :meth:`StoreSession.assess` (it gathers the plugins'
errors after the commit) and the audit check. A feature that needs more than one transaction takes the
session (:mod:`csvc_core.store.retention`'s purge and backup, statistics, exchange): no method forwards.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError

from csvc_core.errors import OperationFailed
from csvc_core.framework import Csvc, HookError
from csvc_core.store import assessing, emergency, followup, people
from csvc_core.store.access import Actor
from csvc_core.store.audit import AuditReport
from csvc_core.store.context import Tx
from csvc_core.store.crypto import KdfParams
from csvc_core.store.engine import login_engine
from csvc_core.store.keyring import Keyring
from csvc_core.store.opening import Store, check_schema, first_line, login_refused
from csvc_core.store.pg_logins import database_password, role_name
from csvc_core.store.records import StoredAssessment
from csvc_core.store.schema import actions, organisations, users

P = ParamSpec("P")
T = TypeVar("T")


def unlock(store: Store, user_name: str, passphrase: str) -> StoreSession:
    """Check the passphrase, unwrap her private key (and through it her organisation's, from its grant); a
    refusal is audited and changes nothing else. No other key is opened until it is needed.

    On PostgreSQL the session connects as the user's own login role: a wrong passphrase, an unknown or
    disabled user is refused by the server itself."""
    engine = None
    if store.location.kind == "postgresql":
        engine = _login(store, user_name, passphrase)
    try:
        with (engine or store.engine).connect() as connection:
            row = connection.execute(select(users).where(users.c.name == user_name)).first()
            org = (
                connection.execute(select(organisations).where(organisations.c.id == row.org_id)).first()
                if row is not None
                else None
            )
            connection.rollback()
        private = people.private_key_of(row, passphrase) if row is not None and row.active else None
        if row is None or org is None or private is None:
            store.record_failed_login(user_name, row.id if row else None, row.org_id if row else None)
            raise people.LoginRefused(key="error.store.login_refused", user=user_name)
        keys = Keyring(row.id, row.name, row.org_id, private)
        assert store.csvc is not None, "a store opened without a framework is not unlocked"
        session = StoreSession(store, people.actor_of(row, org), keys, store.csvc, engine=engine)
        with session._tx() as tx:
            if row.pending_key is not None:
                people.settle_pending(tx, row, passphrase, private)
            tx.keys.org_private(tx.connection)
            tx.audit("login")
    except BaseException:
        if engine is not None:
            engine.dispose()
        raise
    return session


def _login(store: Store, user_name: str, passphrase: str) -> Engine:
    """An engine connected as ``user_name``'s login role, checked by connecting (and, for a workstation's
    URL, the store's schema and settings read through it); a login the server refuses: LoginRefused."""
    location = store.location
    engine = login_engine(
        location,
        role_name("user", location.database, user_name),
        database_password(location.database, user_name, passphrase),
    )
    try:
        with engine.connect() as connection:
            if location.anonymous:
                check_schema(location, connection)
                store.read_meta(connection)
            connection.rollback()
    except DBAPIError as exc:
        engine.dispose()
        if login_refused(exc):
            store.record_failed_login(user_name, None, None)
            raise people.LoginRefused(key="error.store.login_refused", user=user_name) from None
        raise OperationFailed(
            key="error.store.cannot_open", store=location.display, problem=first_line(exc)
        ) from None
    except BaseException:
        engine.dispose()
        raise
    return engine


class SessionExpired(OperationFailed):
    """The session outlived :attr:`StoreSession.max_age`: the user unlocks again."""


class StoreSession:
    """An unlocked store, acting as one user. Use :meth:`lock` (or ``with``) to drop her keys from memory.

    A session ends after ``max_age`` (12 hours by default) whatever its activity; inactivity locking is the
    caller's (the TUI's) to decide, with :meth:`lock`.
    """

    MAX_AGE = timedelta(hours=12)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        keys: Keyring,
        csvc: Csvc,
        *,
        engine: Engine | None = None,
    ) -> None:
        self.store = store
        #: where this session's transactions run: on PostgreSQL, its own login role's connections
        self.engine = engine or store.engine
        self.actor = actor
        self._keys = keys
        self.csvc = csvc
        self.max_age = self.MAX_AGE
        self._unlocked_at = time.monotonic()

    @contextmanager
    def _tx(self) -> Iterator[Tx]:
        """One transaction as this user (refused once locked or expired); the case events it queued are told
        to the plugins after it committed."""
        if self._keys.locked:
            raise OperationFailed(key="error.store.locked")
        if time.monotonic() - self._unlocked_at > self.max_age.total_seconds():
            self.lock()
            raise SessionExpired(key="error.store.session_expired", user=self.actor.name)
        with self.store.transaction(self.actor, self._keys, self.engine) as tx:
            yield tx
        for event in tx.events:  # committed: a failing plugin is reported (Csvc.hook_errors), never undoes it
            self.csvc.call_each("csvc_case_event", event=event)

    def run(self, work: Callable[Concatenate[Tx, P], T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run one store function (``work(tx, *args, **kwargs)``) in one transaction as this user and return
        what it returns: ``session.run(cases.new_case, label)``. Refused once the session is locked or has
        expired; the plugins hear of the case events it queued once it has committed."""
        with self._tx() as tx:
            return work(tx, *args, **kwargs)

    def transaction(self) -> AbstractContextManager[Tx]:
        """One transaction as this user, for a feature given the session that needs more than one store
        function (statistics, exchange): refused, like :meth:`run`, once the session is locked or expired."""
        return self._tx()

    def lock(self) -> None:
        """Forget her keys: every later call fails until the user unlocks again."""
        self._keys.lock()
        if self.engine is not self.store.engine:
            self.engine.dispose()

    @property
    def locked(self) -> bool:
        return self._keys.locked

    def __enter__(self) -> StoreSession:
        return self

    def __exit__(self, *_: object) -> None:
        self.lock()

    def assess(
        self, case_id: str, instrument_id: str, payload: Mapping[str, Any], source: str = "answers"
    ) -> StoredAssessment:
        """Score (the answers object), confirm as this user, store with its actions; then notify plugins
        (``csvc_assessment_confirmed``) and return their errors with the stored assessment."""
        with self._tx() as tx:
            assessment_id, result, action_ids = assessing.assess(
                tx, self.csvc, case_id, instrument_id, payload, source
            )
            rows = tx.connection.execute(
                select(actions).where(actions.c.id.in_(action_ids)).order_by(*followup.urgency_order())
            ).all()
            stored_actions = followup.action_records(tx, rows)
            summary = assessing.summary_of(tx, assessment_id)
        answers = self.csvc.call_each(
            "csvc_assessment_confirmed", assessment=summary, actions=tuple(stored_actions)
        )
        failures = tuple(
            HookError(plugin, "csvc_assessment_confirmed", f"{type(answer).__name__}: {answer}")
            for plugin, answer in answers
            if isinstance(answer, Exception)
        )
        return StoredAssessment(
            id=assessment_id,
            case_id=case_id,
            result=result,
            actions=tuple(stored_actions),
            hook_errors=failures,
        )

    # -- her passphrase and login ------------------------------------------------------------------------
    def change_passphrase(self, old: str, new: str, kdf: KdfParams | None = None) -> None:
        """Re-wrap her private key under a new passphrase; on PostgreSQL her login role's password changes
        with it, and the session reconnects with the new one."""
        with self._tx() as tx:
            people.change_passphrase(tx, old, new, kdf)
        if self.engine is not self.store.engine:  # the login role's password changed with the passphrase
            self.engine.dispose()
            self.engine = _login(self.store, self.actor.name, new)

    def confirm_passphrase(self, passphrase: str) -> None:
        """Step-up: the acting user types her passphrase again; a wrong one is refused and audited."""
        with self.engine.connect() as connection:
            row = connection.execute(select(users).where(users.c.id == self.actor.user_id)).one()
            connection.rollback()
        if people.private_key_of(row, passphrase) is None:
            self.store.record_failed_login(self.actor.name, row.id, row.org_id)
            raise people.LoginRefused(key="error.store.passphrase_wrong")

    def break_glass(self, case_id: str, reason: str, passphrase: str) -> dict[str, Any]:
        """Emergency access to a case one has no other access to: the passphrase again, a reason;
        the whole case to read for a few hours; audited ``break_glass``; the supervisors alerted."""
        self.confirm_passphrase(passphrase)
        with self._tx() as tx:
            return emergency.break_glass(tx, case_id, reason)

    def verify_audit(self) -> AuditReport:
        """The store's audit trail checked through this session's connection (see ``csvc audit verify``)."""
        return self.store.verify_audit(self.engine)
