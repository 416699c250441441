"""Concertation requests through the rapid-intervention cell, kept in the store.

Each call reads the request back as a :class:`csvc_core.sharing.concertation.Concertation`, takes one step
with the rules (which refuse a step out of order, a wrong role, a missing element), then writes what
changed (:mod:`csvc_core.store.concertation_rows`): the new step, the decision, the meeting with its
attendees, the plan actions and their reviews, the level the request carries
(:mod:`csvc_core.store.carried`), with one audit entry, in one transaction. Free text (judgement, notes,
action descriptions) is sealed.

Who reads a request and how much is the core's decision (:func:`csvc_core.sharing.concertation.reading`):
an organisation that only owns plan actions reads the minimum necessary (``as_read``, same module). What
a reader reads comes back as records (:mod:`csvc_core.store.concertation_reading`); a meeting's file is
read by :mod:`csvc_core.sharing.meeting_file`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs
from sqlalchemy import insert, or_, select

from csvc_core.errors import BadInput
from csvc_core.sharing import concertation as cell
from csvc_core.sharing import meeting_file
from csvc_core.sharing.concertation import CarriedLevel, Concertation
from csvc_core.sharing.parties import COORDINATOR, Organisation
from csvc_core.sharing.plan import Meeting, PlanAction, Review
from csvc_core.store import carried, keyring
from csvc_core.store.access import case_access, member, stored_role, visible_case
from csvc_core.store.cases import level_state
from csvc_core.store.concertation_rows import load, row_of, save, seal_text
from csvc_core.store.context import Tx
from csvc_core.store.crypto import new_id
from csvc_core.store.directory import people
from csvc_core.store.schema import concertations, organisations, plan_actions
from csvc_core.store.sharing_rows import dump_codes


def _coordinators(tx: Tx) -> list[str]:
    """The holders that stand for the cell's coordinators: each active coordinator, whatever her
    organisation (they read every request)."""
    directory = people(tx.connection)
    found = tx.connection.execute(
        select(directory.c.id).where(
            directory.c.role.in_((COORDINATOR, stored_role(COORDINATOR, True))),
            directory.c.active.is_(True),
            directory.c.public_key.is_not(None),
        )
    ).scalars()
    return [keyring.of_user(user_id) for user_id in found]


def _share_with_coordinators(tx: Tx, concertation_id: str) -> None:
    """A coordinator who holds no key of the request yet (named since) receives them from whoever holds
    them and takes a step."""
    scopes = [keyring.of_concertation(concertation_id)] + [
        keyring.of_plan_action(action_id)
        for action_id in tx.connection.execute(
            select(plan_actions.c.id).where(plan_actions.c.concertation_id == concertation_id)
        ).scalars()
    ]
    for scope in scopes:
        if not tx.keys.holds(tx.connection, scope):
            continue
        held = {holder for holder, _ in keyring.holders(tx.connection, scope)}
        for holder in _coordinators(tx):
            if holder not in held:
                keyring.give(
                    tx.connection,
                    scope,
                    holder,
                    tx.key(scope),
                    basis="coordinator",
                    at=tx.now,
                    by=tx.actor.user_id,
                )


#: the step each audit entry tells the plugins (``concertation_step``) once it has committed
TOLD = {
    "concertation.submit": "submitted",
    "concertation.committee": "to_committee",
    "concertation.decide": "decided",
    "concertation.meeting": "meeting",
    "concertation.action_done": "action_done",
    "concertation.close": "closed",
}


def _step(
    tx: Tx, concertation_id: str, entry: str, take: Callable[[Concertation], Concertation], **detail: Any
) -> Concertation:
    tx.require_writable()
    row, read = row_of(tx, concertation_id)
    before = load(tx, row, read)
    after = take(before)
    save(tx, row, before, after, entry, **detail)
    _share_with_coordinators(tx, concertation_id)
    tx.notify("concertation_step", concertation_id, TOLD[entry])
    return after


# -- the steps -----------------------------------------------------------------------------------------------
def request(tx: Tx, case_id: str, *, criteria: Iterable[str], judgement: str = "") -> str:
    """A practitioner asks for concertation on a case of her organisation; returns the request's id. Each
    step of a request is told to the plugins (``concertation_step``) once it has committed."""
    tx.require_writable()
    visible_case(tx.connection, tx.actor, case_id)
    concertation_id = new_id()
    scope = keyring.of_concertation(concertation_id)
    keyring.new_scope(
        tx.connection,
        scope,
        [keyring.of_org(tx.actor.org_id), *_coordinators(tx)],
        basis="concertation",
        at=tx.now,
        by=tx.actor.user_id,
    )
    asked = cell.request(
        id=concertation_id,
        case=case_id,
        actor=member(tx.actor),
        criteria=criteria,
        at=tx.now,
        judgement=judgement,
    )
    tx.connection.execute(
        insert(concertations).values(
            id=concertation_id,
            case_id=case_id,
            org_id=tx.actor.org_id,
            criteria=dump_codes(asked.criteria),
            judgement_ct=seal_text(tx, concertations.c.judgement_ct, concertation_id, asked.judgement, scope),
            state=asked.state,
            version=0,
        )
    )
    row = tx.connection.execute(select(concertations).where(concertations.c.id == concertation_id)).one()
    empty = attrs.evolve(asked, steps=())
    save(tx, row, empty, asked, "concertation.request", criteria=sorted(asked.criteria))
    tx.notify("concertation_step", concertation_id, "requested", case_id)
    return concertation_id


def submit(tx: Tx, concertation_id: str, note: str) -> Concertation:
    """The répondant signs off: the request takes the case level her organisation confirmed."""
    return _step(
        tx,
        concertation_id,
        "concertation.submit",
        lambda c: cell.submit(c, actor=member(tx.actor), at=tx.now, note=note, level=_confirmed(tx, c.case)),
    )


def _confirmed(tx: Tx, case_id: str) -> CarriedLevel | None:
    """The case's confirmed level, when the acting user's organisation reads the whole case."""
    if not case_access(tx.connection, tx.actor, case_id, tx.now).full:
        return None
    return carried.confirmed_level(level_state(tx, case_id), tx.now)


def to_committee(tx: Tx, concertation_id: str) -> Concertation:
    """The coordinator puts the request to the coordination committee."""
    return _step(
        tx,
        concertation_id,
        "concertation.committee",
        lambda c: cell.to_committee(c, actor=member(tx.actor), at=tx.now),
    )


def decide(
    tx: Tx, concertation_id: str, *, members: Iterable[str], concerted_action: bool, why: str
) -> Concertation:
    """The committee's decision: its members, whether a concerted action follows, and why."""
    chosen = tuple(members)
    return _step(
        tx,
        concertation_id,
        "concertation.decide",
        lambda c: cell.decide(
            c, actor=member(tx.actor), at=tx.now, members=chosen, concerted_action=concerted_action, why=why
        ),
        concerted_action=concerted_action,
    )


def _org(tx: Tx, name: str, where: str) -> Organisation:
    row = tx.connection.execute(
        select(organisations).where(
            or_(organisations.c.name == name.strip(), organisations.c.id == name.strip())
        )
    ).first()
    if row is None:
        raise BadInput(key="error.store.plan_org_unknown", where=where, name=name)
    return Organisation(row.id, row.sector)


def parse_meeting(tx: Tx, data: Any, source: str) -> tuple[Meeting, dict[str, Review], list[PlanAction]]:
    """A meeting file (:func:`csvc_core.sharing.meeting_file.parse_meeting`), its actions' owners found among
    the organisations by name or id."""
    return meeting_file.parse_meeting(
        data, source, now=tx.now, new_id=new_id, organisation=lambda name, where: _org(tx, name, where)
    )


def hold_meeting(
    tx: Tx, concertation_id: str, meeting: Mapping[str, Any], source: str = "meeting"
) -> Concertation:
    """A meeting from its JSON object (see :func:`parse_meeting`): its reviews and its plan's actions."""
    held, reviews, plan = parse_meeting(tx, meeting, source)
    return _hold(tx, concertation_id, held, reviews, plan)


def _hold(
    tx: Tx,
    concertation_id: str,
    meeting: Meeting,
    reviews: Mapping[str, Review],
    actions: Iterable[PlanAction],
) -> Concertation:
    plan = tuple(actions)
    return _step(
        tx,
        concertation_id,
        "concertation.meeting",
        lambda c: cell.hold_meeting(
            c, actor=member(tx.actor), meeting=meeting, reviews=reviews, actions=plan
        ),
        meeting=meeting.id,
        reviewed=sorted(reviews),
        actions=[a.id for a in plan],
    )


def report_done(tx: Tx, concertation_id: str, action_id: str, note: str = "") -> Concertation:
    """The owner organisation (or the coordinator) reports an action of the plan done between meetings."""
    return _step(
        tx,
        concertation_id,
        "concertation.action_done",
        lambda c: cell.report_done(c, actor=member(tx.actor), action=action_id, at=tx.now, note=note),
        action=action_id,
    )


def close(tx: Tx, concertation_id: str, why: str, note: str = "") -> Concertation:
    """Close the request, saying why."""
    return _step(
        tx,
        concertation_id,
        "concertation.close",
        lambda c: cell.close(c, actor=member(tx.actor), at=tx.now, why=why, note=note),
        reason=why,
    )
