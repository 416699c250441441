"""A concertation partnership for the UI tests: its people in one store, and its state read back."""

from __future__ import annotations

from typing import Any

from csvc_core.output import to_json
from csvc_core.store import Store, cases, concertation_reading, people
from tests.support.constants import CANARY, FAST_KDF, PASSPHRASE
from tests.support.stores import grid

PEOPLE = {
    "iris": ("worker", "Maison Aurore"),
    "rita": ("repondant", "Maison Aurore"),
    "coline": ("coordinator", "Cellule Nord"),
    "paul": ("worker", "Police Rivière"),
}


def make_partnership(store: Store) -> dict[str, Any]:
    """Three organisations, a user per role; iris's case assessed at level 4 (its name is the canary)."""
    admin = store.unlock("alice", PASSPHRASE)
    admins = {"Maison Aurore": admin}
    for org, sector, first in (("Cellule Nord", "csvc", "cassandre"), ("Police Rivière", "police", "pia")):
        admin.run(people.add_organisation, org, sector, admin=first, passphrase=PASSPHRASE, kdf=FAST_KDF)
        admins[org] = store.unlock(first, PASSPHRASE)
    for name, (role, org) in PEOPLE.items():
        admins[org].run(people.add_user, name, role, PASSPHRASE, kdf=FAST_KDF)
    worker = store.unlock("iris", PASSPHRASE)
    case_id = worker.run(cases.new_case, CANARY)
    worker.assess(case_id, "csvc-grid", grid(homicide_plan="yes"))
    return {"case": case_id, "worker": worker, "coordinator": store.unlock("coline", PASSPHRASE)}


def state_of(partnership: dict[str, Any]) -> dict[str, Any]:
    coordinator = partnership["coordinator"]
    (listed,) = coordinator.run(concertation_reading.list_concertations)
    return dict(to_json(coordinator.run(concertation_reading.record, listed.id)))
