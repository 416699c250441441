"""A shelter and a police service in one store for the UI's sharing tests; the way to the sharing screen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
from csvc_tui.screens.case import CaseScreen
from csvc_tui.screens.cases import CasesScreen
from csvc_tui.screens.sharing import SharingScreen

from csvc_core.store import Contact, Store, StoreSession, cases, communications, people
from tests.support.constants import CANARY, FAST_KDF, PASSPHRASE
from tests.support.tui import screen_text, wait_for

POLICE = "Police Rivière"


VICTIM, PHONE = "Zoé Fictive", "555-0199"


EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@attrs.frozen
class World:
    """Maison Aurore (alice, admin; berthe, worker) holds one case; Police Rivière is a partner."""

    store: Store
    alice: StoreSession
    berthe: StoreSession
    case_id: str

    def register(self) -> list[Any]:
        return self.berthe.run(
            communications.communications_register, EPOCH, datetime.now(UTC) + timedelta(days=1), self.case_id
        )


def make_world(store: Store) -> World:
    alice = store.unlock("alice", PASSPHRASE)
    alice.run(people.add_organisation, POLICE, "police", admin="paula", passphrase=PASSPHRASE, kdf=FAST_KDF)
    alice.run(people.add_user, "berthe", "worker", PASSPHRASE, kdf=FAST_KDF)
    berthe = store.unlock("berthe", PASSPHRASE)
    case_id = berthe.run(cases.new_case, CANARY)
    berthe.run(
        cases.add_protagonist, case_id, "victim", name=VICTIM, contact=Contact(phone=PHONE), safe_to_call=True
    )
    return World(store, alice, berthe, case_id)


async def open_sharing(app: Any, pilot: Any) -> SharingScreen:
    """Case list, Enter on the case, then p: the case's sharing screen."""
    await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen) and CANARY in screen_text(app))
    await pilot.press("enter")
    case = await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen) and app.screen)
    await wait_for(pilot, lambda: case.detail is not None)
    await pilot.press("p")
    screen = await wait_for(pilot, lambda: isinstance(app.screen, SharingScreen) and app.screen)
    await wait_for(pilot, lambda: screen.view is not None)
    return screen
