"""A partnership in one real store: organisations of every sector, a user per role, shared cases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from csvc_core.sharing.disclosure import Grounds, Recipient
from csvc_core.sharing.handover import Basis
from csvc_core.store import Contact, Store, StoreSession, cases, concertations, people
from tests.support.constants import FAST_KDF, PASSPHRASE
from tests.support.stores import grid

ORGS = {
    "Maison Aurore": "shelter",
    "Police Rivière": "police",
    "CISSS Nord": "health",
    "DPJ Nord": "youth_protection",
    "Cellule Nord": "csvc",
}


LAW = Basis("law", "A-2.1 s. 59.1")


NAME = "Zoé Fictive"


def user(org: str, role: str) -> str:
    return f"{role}-{ORGS[org]}"


class World(dict[str, StoreSession]):
    """The partnership's users, each added by her organisation's admin and unlocked the first time a test
    needs her."""

    def __init__(self, store: Store, admins: dict[str, StoreSession]) -> None:
        super().__init__(admins)
        self.store = store

    def __missing__(self, name: str) -> StoreSession:
        role, sector = name.split("-", 1)
        self[f"admin-{sector}"].run(people.add_user, name, role, PASSPHRASE, kdf=FAST_KDF)
        self[name] = self.store.unlock(name, PASSPHRASE)
        return self[name]


@pytest.fixture
def world(store: Store, session: StoreSession) -> World:
    """Five organisations, each created with its admin (alice is Maison Aurore's); a user of any role in any
    of them on demand."""
    admins = {user("Maison Aurore", "admin"): session}
    for org, sector in ORGS.items():
        if org != "Maison Aurore":
            admin = user(org, "admin")
            session.run(
                people.add_organisation, org, sector, admin=admin, passphrase=PASSPHRASE, kdf=FAST_KDF
            )
            admins[admin] = store.unlock(admin, PASSPHRASE)
    return World(store, admins)


def new_case(worker: StoreSession, label: str) -> str:
    case_id = worker.run(cases.new_case, label)
    worker.run(
        cases.add_protagonist,
        case_id,
        "victim",
        name=NAME,
        contact=Contact(phone="555-0199", address="9 rue Fictive", safe_times="9h-11h"),
        safe_to_call=True,
        partner_knows=False,
    )
    worker.run(cases.add_protagonist, case_id, "child", name="Enfant Fictif")
    worker.assess(case_id, "csvc-grid", grid(homicide_plan="yes"))
    return case_id


def grounds(**changes: object) -> Grounds:
    values: dict[str, object] = dict(
        reasonable_cause="Il a dit hier qu'il la tuerait ; arme au domicile.",
        harms=frozenset({"death"}),
        exposed=f"{NAME} et son enfant",
        violence="homicide conjugal",
        danger="menaces de mort, arme à feu, séparation",
        urgency="elle part ce soir",
        imminence="hours",
    )
    values.update(changes)
    return Grounds(**values)  # type: ignore[arg-type]


POLICE_DESK = Recipient("Poste de la Rivière", "police", "able_to_help")


def concerted_with_plan(
    coordinator: StoreSession, request: str, why: str, plan: dict[str, tuple[str, datetime]]
) -> None:
    """The committee decides concerted action for ``why``; a first meeting sets ``plan`` (description -> owner
    organisation, due)."""
    coordinator.run(concertations.to_committee, request)
    coordinator.run(concertations.decide, request, members=["A", "B", "C"], concerted_action=True, why=why)
    coordinator.run(
        concertations.hold_meeting,
        request,
        {
            "at": datetime.now(UTC).isoformat(),
            "chair": "A",
            "attendees": [{"name": "Sgt Roy", "organisation": "Police Rivière", "sector": "police"}],
            "actions": [
                {"description": text, "owner_org": owner, "due": due.isoformat()}
                for text, (owner, due) in plan.items()
            ],
        },
    )


SIGN_OFF = "Grille : palier aggravé, menaces répétées"
