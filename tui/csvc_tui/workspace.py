"""What the screens may ask for, in one place: the framework (``Csvc``) and, once unlocked, a store session.

Every method may be slow (store, plugins): screens call them in their own thread workers (``WorkingScreen``),
never on a keypress. Nothing here scores, stores or decides: it calls the same service functions of
``csvc_core`` as the command line does, and shapes their records for the screens.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

from csvc_core.errors import OperationFailed
from csvc_core.framework import Csvc
from csvc_core.model import Instrument
from csvc_core.store import drafts
from csvc_tui.form import FormState
from csvc_tui.text import _, language

if TYPE_CHECKING:
    from csvc_core.store.session import StoreSession
    from csvc_tui.casework import CaseWork
    from csvc_tui.cellwork import CellWork
    from csvc_tui.sharing import SharingWork

#: what a screen keeps when it is locked: the case, the draft's key, what was typed (the store encrypts it).
Draft = tuple[str, str, dict[str, Any]]


def draft_key(draft: Mapping[str, Any]) -> str:
    """A case's draft is one per instrument and protagonist."""
    return f"{draft['instrument']}:{draft['protagonist']}"


@runtime_checkable
class Drafting(Protocol):
    """A screen where a person types answers: what it holds survives a lock as her encrypted draft."""

    def draft_snapshot(self) -> Draft | None:
        """What to keep (None: nothing typed yet)."""


@attrs.frozen
class Reopened:
    """A screen open at the last lock, to reopen after unlocking: an assessment form with its draft, or a
    concertation request whose step resumes from its own draft."""

    case_id: str
    form: FormState | None = None
    concertation: str | None = None


class Workspace:
    """The framework and the store session of one person at one terminal."""

    def __init__(
        self,
        store_url: str | None = None,
        *,
        user: str | None = None,
        csvc: Csvc | None = None,
        environ: Mapping[str, str] | None = None,
        kdf: Any = None,
    ) -> None:
        env = os.environ if environ is None else environ
        self.store_url = store_url
        self._csvc = csvc
        self.kdf = kdf  # argon2id cost of a store created here (None: the store's default)
        self.user_name: str | None = user or env.get("CSVC_USER") or None
        self._env_passphrase: str | None = env.get("CSVC_PASSPHRASE") or None
        self._env_unlock_offered = False
        #: held while the session is set aside at a lock and while a form's draft is saved (one or the other)
        self.guard = threading.RLock()
        self.session: StoreSession | None = None
        self._resume: list[Reopened] = []
        self._open_at_lock: list[tuple[str, str]] = []  # (case, draft key) of the forms open at the last lock
        self._store: Any = None

    @cached_property
    def csvc(self) -> Csvc:
        return self._csvc if self._csvc is not None else Csvc.load()

    # -- the locked side -------------------------------------------------------------------------------------
    @property
    def store_display(self) -> str:
        from csvc_core.store.engine import resolve

        return resolve(self.store_url).display

    @property
    def unlocked(self) -> bool:
        return self.session is not None and not self.session.locked

    def begin_lock(self) -> Any:
        """Locked from now on: the session is set aside, to save the drafts and forget its key."""
        closing, self.session = self.session, None
        return closing

    def gate_state(self) -> tuple[bool, list[tuple[str, str]]]:
        """Whether the store exists, and the sectors to choose from when creating it (label, id)."""
        from csvc_core.store.engine import resolve

        location = resolve(self.store_url)
        exists = location.path is None or (location.path.exists() and location.path.stat().st_size > 0)
        if exists:  # the unlock form needs no plugin: it shows before they are loaded
            return True, []
        return exists, self.sector_choices()

    def sector_choices(self) -> list[tuple[str, str]]:
        """The sectors an organisation may be in, by name (label, id)."""
        from csvc_core.store.people import known_sectors

        sectors = self.csvc.sectors
        choices = [
            (sectors[s].name.get(language()) if s in sectors else _(f"sector.{s}"), s)
            for s in known_sectors(self.csvc)
        ]
        return sorted(choices)

    def create_store(self, org: str, sector: str, user: str, passphrase: str, role: str) -> None:
        """First run: create the store (organisation, sector, first user in ``role``) and open it as her."""
        from csvc_core.store.opening import init_store

        with self.guard:
            store = init_store(
                self.store_url,
                csvc=self.csvc,
                org=org,
                sector=sector,
                user=user,
                passphrase=passphrase,
                role=role,
                kdf=self.kdf,
            )
            self._open(store, user, passphrase)

    def take_environment_unlock(self) -> bool:
        """True once, at start, when CSVC_USER and CSVC_PASSPHRASE are both set."""
        offered = self._env_unlock_offered
        self._env_unlock_offered = True
        return not offered and bool(self.user_name and self._env_passphrase)

    def unlock_from_environment(self) -> None:
        assert self.user_name is not None and self._env_passphrase is not None
        self.unlock(self.user_name, self._env_passphrase)

    def unlock(self, user: str, passphrase: str) -> None:
        """Open the store as ``user``; a refusal is :class:`OperationFailed` (audited by the store)."""
        from csvc_core.store.opening import open_store

        with self.guard:
            store = self._store if self._store is not None else open_store(self.store_url, csvc=self.csvc)
            self._open(store, user, passphrase)

    def _open(self, store: Any, user: str, passphrase: str) -> None:
        session = store.unlock(user, passphrase)
        self._store = store
        self.session = session
        self.user_name = user
        self._resume = []
        from csvc_core.store.drafts import CONCERTATION_DRAFT

        for case_id, key in self._open_at_lock:
            if key.startswith(CONCERTATION_DRAFT):  # the request reads its step's draft when it opens
                self._resume.append(Reopened(case_id, concertation=key.removeprefix(CONCERTATION_DRAFT)))
                continue
            draft = session.run(drafts.read_draft, case_id, key)
            if draft is not None:
                instrument = self.csvc.instrument(draft["instrument"], self.sector)
                self._resume.append(Reopened(case_id, form=FormState.from_draft(instrument, draft)))
        self._open_at_lock = []

    def lock(self, closing: StoreSession | None, held: list[Draft]) -> None:
        """Save what the screens open at the lock hold as drafts (encrypted, in the store), then forget the
        key."""
        with self.guard:
            if closing is None or closing.locked:
                return
            try:
                for case_id, key, draft in held:
                    closing.run(drafts.save_draft, case_id, key, draft)
                self._open_at_lock = [(case_id, key) for case_id, key, _draft in held]
            finally:
                closing.lock()

    def take_reopened(self) -> list[Reopened]:
        """The screens that were open at the last lock, to reopen after unlocking."""
        reopened, self._resume = self._resume, []
        return reopened

    @property
    def live(self) -> StoreSession:
        """The open session. Locked meanwhile (privacy key, inactivity): :class:`OperationFailed`, an answer
        that the screen which asked, gone with the lock, never receives."""
        session = self.session
        if session is None:
            raise OperationFailed(_("error.locked"))
        return session

    @cached_property
    def cell(self) -> CellWork:
        """The concertation calls (rapid-intervention cell) of this workspace."""
        from csvc_tui.cellwork import CellWork

        return CellWork(self)

    # -- who is working --------------------------------------------------------------------------------------
    @property
    def sector(self) -> str | None:
        return self.session.actor.sector if self.session is not None else None

    @property
    def organisation(self) -> str:
        return self.session.actor.org_name if self.session is not None else ""

    # -- words ---------------------------------------------------------------------------------------------
    def level_name(self, instrument_id: str, level_id: str | None) -> str:
        """An instrument's level by its name in the UI's language (its id if the instrument is gone)."""
        instrument = self.csvc.catalogue.instruments.get(instrument_id)
        level = instrument.level(level_id) if instrument is not None and level_id else None
        return level.label.get(language()) if level is not None else level_id or "—"

    def instrument_title(self, instrument_id: str) -> str:
        """An instrument by its title in the UI's language (its id if the instrument is gone)."""
        instrument = self.csvc.catalogue.instruments.get(instrument_id)
        return instrument.title.get(language()) if instrument else instrument_id

    def sector_name(self, sector: str) -> str:
        """A sector by its plugin's name in the UI's language, else the catalogue's; its id when neither
        knows it (its plugin is gone)."""
        from csvc_tui.sharing_words import word

        found = self.csvc.sectors.get(sector)
        return found.name.get(language()) if found is not None else word("sector", sector)

    def instruments(self) -> list[Instrument]:
        """The instruments of the user's sector, and the shared grid, as that sector asks them."""
        return self.csvc.instruments(self.sector)

    # -- cases (read, people, assessing, follow-up, case tools): csvc_tui.casework --------------------------
    @cached_property
    def cases(self) -> CaseWork:
        from csvc_tui.casework import CaseWork

        return CaseWork(self)

    # -- sharing (consents, shares, disclosures): csvc_tui.sharing -------------------------------------------
    @cached_property
    def sharing(self) -> SharingWork:
        from csvc_tui.sharing import SharingWork

        return SharingWork(self)
