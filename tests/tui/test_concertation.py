"""Concertation from the keyboard, each partner at her own terminal, on one real SQLite store: request,
sign-off, committee, decision, meeting with its plan, action done, review, closing; only the allowed steps
offered; nothing of the case left after F12."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

import pytest
from csvc_tui.screens.ask import AskChoice, AskMany, AskText
from csvc_tui.screens.case import CaseScreen
from csvc_tui.screens.cases import CasesScreen
from csvc_tui.screens.concertation import ConcertationScreen
from csvc_tui.screens.concertation_desk import ConcertationsScreen
from csvc_tui.screens.gate import GateScreen
from textual.widgets import OptionList

from csvc_core.store import Store, cases, concertation_reading, concertations, drafts, people
from tests.support.constants import CANARY, PASSPHRASE
from tests.support.stores import full_grid
from tests.support.tui import mounted_text, screen_text, wait_for
from tests.support.tui_concertation import make_partnership, state_of

NOTE = "Grille : palier aggravé, menaces de mort répétées"


@pytest.fixture
def partnership(store: Store) -> dict[str, Any]:
    return make_partnership(store)


def as_user(make_app: Any, name: str) -> Any:
    return make_app(environ={"CSVC_USER": name, "CSVC_PASSPHRASE": PASSPHRASE})


async def modal(pilot: Any, kind: type) -> Any:
    return await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind) and pilot.app.screen)


async def answer(pilot: Any, text: str, *, clear: bool = False) -> None:
    """Type a line into the open question (after clearing what it offers) and give it."""
    screen = await modal(pilot, AskText)
    field = screen.query_one("#answer")
    await wait_for(pilot, lambda: pilot.app.focused is field)
    if clear:
        field.value = ""
    if text:
        await pilot.press(*text)
    await pilot.press("enter")
    await wait_for(pilot, lambda: pilot.app.screen is not screen)


def offered(screen: Any) -> list[str]:
    return [option.id for option in screen.query_one(OptionList).options]


async def choose(pilot: Any, key: str, *, among: list[str] | None = None) -> None:
    """Pick ``key`` in the open choice (checking first that exactly ``among`` is offered)."""
    screen = await modal(pilot, AskChoice)
    if among is not None:
        assert offered(screen) == among
    options = screen.query_one(OptionList)
    while options.highlighted is None or options.get_option_at_index(options.highlighted).id != key:
        await pilot.press("down")
    await pilot.press("enter")
    await wait_for(pilot, lambda: pilot.app.screen is not screen)


async def open_request(app: Any, pilot: Any) -> ConcertationScreen:
    """From the case list: c (the desk), Enter on the most urgent request."""
    await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
    await pilot.press("c")
    desk = await modal(pilot, ConcertationsScreen)
    await wait_for(pilot, lambda: desk.desk is not None and desk.desk.requests)
    await pilot.press("enter")
    screen = await modal(pilot, ConcertationScreen)
    await wait_for(pilot, lambda: screen.record is not None)
    return screen


async def step(pilot: Any, screen: ConcertationScreen, name: str, among: list[str]) -> None:
    """p, and the step ``name`` among exactly the steps ``among`` (asked only when there are several)."""
    assert screen.record is not None and list(screen.record.next_steps) == among
    await pilot.press("p")
    if len(among) > 1:
        await choose(pilot, name, among=among)


async def taken(pilot: Any, screen: ConcertationScreen, partnership: dict[str, Any], state: str) -> None:
    await wait_for(pilot, lambda: state_of(partnership)["state"] == state)
    await wait_for(pilot, lambda: screen.record is not None and screen.record.state == state)


async def test_the_cell_path_from_the_keyboard(make_app: Any, partnership: dict[str, Any]) -> None:
    # the worker asks from the case: criteria ticked with space, Enter
    app = as_user(make_app, "iris")
    async with app.run_test(size=(80, 24)) as pilot:
        # the row's name column is cut at 80 columns beside the overdue actions' column
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen) and CANARY[:12] in screen_text(app))
        await pilot.press("enter")
        case = await modal(pilot, CaseScreen)
        await wait_for(pilot, lambda: "aucune demande" in screen_text(app))
        await pilot.press("c")
        await modal(pilot, AskMany)
        await pilot.press("enter")  # nothing ticked: asked again, nothing written
        many = await modal(pilot, AskMany)
        await wait_for(pilot, lambda: "au moins un critère" in screen_text(app))
        await pilot.press("space")
        await pilot.press("enter")
        screen = await modal(pilot, ConcertationScreen)
        await wait_for(pilot, lambda: screen.record is not None)
        assert many is not app.screen and case in app.screen_stack
        assert state_of(partnership)["criteria"] == ["visible_high_risk"]
        assert screen.record is not None and screen.record.next_steps == ()  # the répondant signs
        await pilot.press("p")
        await wait_for(pilot, lambda: any("Aucune étape" in str(n.message) for n in app._notifications))
    # the répondant: her desk, most urgent first, the level by name; she signs off
    app = as_user(make_app, "rita")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_request(app, pilot)
        desk = app.screen_stack[-2]
        assert isinstance(desk, ConcertationsScreen) and desk.desk is not None
        assert desk.desk.requests[0].compromission == 4 and not desk.desk.recommended
        await step(pilot, screen, "submit", ["submit", "close"])
        await answer(pilot, "")  # a blank sign-off is asked again
        await wait_for(pilot, lambda: "Obligatoire" in screen_text(app))
        await answer(pilot, NOTE)
        await taken(pilot, screen, partnership, "submitted")
    # the coordinator: committee, decision, the meeting and its plan
    app = as_user(make_app, "coline")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_request(app, pilot)
        text = mounted_text(app)  # the level the request carries, and whose confirmation it is
        assert "4 Imminent" in text and "niveau non transmis" not in text
        assert "Niveau confirmé par iris" in text and "(Grille d'appréciation du niveau" in text
        assert "csvc-grid" not in text  # the instrument by its title
        await step(pilot, screen, "to_committee", ["to_committee", "close"])
        await choose(pilot, "yes")
        await taken(pilot, screen, partnership, "committee")
        await step(pilot, screen, "decide", ["decide", "close"])
        for member in ("Coord Nord", "Sgt Roy", "Interv Côté"):
            await answer(pilot, member)
        await choose(pilot, "yes")
        await answer(pilot, "menaces de mort et séparation")
        await taken(pilot, screen, partnership, "concerted")
        await step(pilot, screen, "meeting", ["meeting", "close"])
        await answer(pilot, "")  # now, as offered
        await choose(pilot, "emergency")
        await answer(pilot, "")  # chaired by the coordinator, as offered
        orgs = {o.name: o.id for o in partnership["coordinator"].run(people.list_organisations)}
        await choose(pilot, orgs["Police Rivière"])
        await answer(pilot, "Sgt Roy")
        await choose(pilot, orgs["Maison Aurore"])
        await answer(pilot, "Interv Côté")
        await choose(pilot, "-")
        soon = (datetime.now().astimezone() + timedelta(seconds=4)).strftime("%Y-%m-%d %H:%M:%S")
        await choose(pilot, "add")
        await answer(pilot, "patrouilles au domicile")
        await choose(pilot, orgs["Police Rivière"])
        await answer(pilot, "Sgt Roy")
        await answer(pilot, soon, clear=True)
        await choose(pilot, "add")
        await answer(pilot, "place en hebergement")
        await choose(pilot, orgs["Maison Aurore"])
        await answer(pilot, "")
        await answer(pilot, "")  # due in two days, as offered
        await choose(pilot, "end")
        await choose(pilot, "yes")
        await taken(pilot, screen, partnership, "follow_up")
        record = state_of(partnership)
        assert record["meetings"][0]["kind"] == "emergency"
        assert sorted(record["meetings"][0]["attendees_by_sector"]) == ["police", "shelter"]
        assert [a["owner_org"] for a in record["actions"]] == ["Police Rivière", "Maison Aurore"]
        # open actions: closing is not offered
        assert screen.record is not None and screen.record.next_steps == ("meeting", "report_done")
    # the police reports its action done, past its due date (marked overdue); it reads only its action
    await_overdue = datetime.strptime(soon, "%Y-%m-%d %H:%M:%S").astimezone()
    while datetime.now().astimezone() <= await_overdue:
        time.sleep(0.2)
    app = as_user(make_app, "paul")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_request(app, pilot)
        await wait_for(pilot, lambda: "EN RETARD" in screen_text(app))
        text = mounted_text(app)
        assert "minimum nécessaire" in text and "4 Imminent" in text
        for hidden in (NOTE, "place en hebergement", "menaces de mort et séparation", "Critères"):
            assert hidden not in text
        assert screen.record is not None and screen.record.next_steps == ("report_done",)
        await pilot.press("f")  # the first action of the plan, the police's
        await answer(pilot, "patrouilles faites chaque soir")
        await wait_for(pilot, lambda: state_of(partnership)["actions"][0]["status"] == "done")
    # the coordinator reviews the open action at a second meeting, then closes
    app = as_user(make_app, "coline")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_request(app, pilot)
        await step(pilot, screen, "meeting", ["meeting", "report_done"])
        await answer(pilot, "2020-01-01 10:00", clear=True)  # before the request's last step: asked again
        await wait_for(pilot, lambda: "ne peut précéder" in screen_text(app))
        await answer(pilot, datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S"), clear=True)
        await choose(pilot, "regular")
        await answer(pilot, "")
        await choose(pilot, orgs["Maison Aurore"])
        await answer(pilot, "Interv Côté")
        await choose(pilot, "-")
        await choose(pilot, "impossible")
        await answer(pilot, "")  # impossible needs its explanation
        await wait_for(pilot, lambda: "Obligatoire" in screen_text(app))
        await answer(pilot, "elle a quitté la région")
        await choose(pilot, "end")
        await choose(pilot, "yes")
        await wait_for(pilot, lambda: len(state_of(partnership)["meetings"]) == 2)
        await wait_for(pilot, lambda: screen.record is not None and len(screen.record.meetings) == 2)
        await step(pilot, screen, "close", ["meeting", "close"])
        await choose(pilot, "moved_away")
        await answer(pilot, "")
        await taken(pilot, screen, partnership, "closed")
    final = state_of(partnership)
    assert final["closure"]["reason"] == "moved_away"
    assert [a["status"] for a in final["actions"]] == ["done", "impossible"]
    assert [s["state"] for s in final["steps"]] == [
        "requested",
        "submitted",
        "committee",
        "concerted",
        "follow_up",
        "follow_up",
        "closed",
    ]


async def test_a_refused_step_is_one_message_in_french(make_app: Any, partnership: dict[str, Any]) -> None:
    rita = as_user(make_app, "rita")
    worker = partnership["coordinator"].store.unlock("iris", PASSPHRASE)
    request = worker.run(concertations.request, partnership["case"], criteria=["escalation"])
    async with rita.run_test(size=(80, 24)) as pilot:
        screen = await open_request(rita, pilot)
        await step(pilot, screen, "submit", ["submit", "close"])
        worker_app_took_it = partnership["coordinator"].store.unlock("rita", PASSPHRASE)
        worker_app_took_it.run(concertations.submit, request, "déjà signée ailleurs")  # meanwhile, elsewhere
        await answer(pilot, NOTE)
        refused = (
            "Refusé : « signer et soumettre à la coordination » n'est plus possible : "
            "la demande est maintenant à l'état « soumise (attend la coordination) »"
        )
        await wait_for(pilot, lambda: any(refused in str(n.message) for n in rita._notifications))
        assert len([n for n in rita._notifications if "Refusé" in str(n.message)]) == 1
        await wait_for(pilot, lambda: screen.record is not None and screen.record.state == "submitted")
        assert screen.record.next_steps == ()
    assert [s["state"] for s in state_of(partnership)["steps"]] == ["requested", "submitted"]


async def test_f12_drops_every_concertation_screen(make_app: Any, partnership: dict[str, Any]) -> None:
    worker = partnership["coordinator"].store.unlock("iris", PASSPHRASE)
    worker.run(
        concertations.request,
        partnership["case"],
        criteria=["professional_judgement"],
        judgement="Elle craint pour sa vie",
    )
    app = as_user(make_app, "rita")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_request(app, pilot)
        await wait_for(pilot, lambda: "Elle craint pour sa vie" in screen_text(app))
        await step(pilot, screen, "submit", ["submit", "close"])
        await modal(pilot, AskText)
        await pilot.press(*"brouillon de signature")
        await pilot.press("f12")
        await wait_for(pilot, lambda: isinstance(app.screen, GateScreen))
        await pilot.pause(0.3)
        stacks = [s for stack in app._screen_stacks.values() for s in stack]
        assert not any(isinstance(s, (ConcertationScreen, ConcertationsScreen, AskText)) for s in stacks)
        for secret in ("Elle craint pour sa vie", "brouillon de signature", CANARY):
            assert secret not in mounted_text(app) and secret not in screen_text(app)
        assert not app.workspace.unlocked
        # unlocked: the request and its step come back with the line she was typing
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "unlock-passphrase")
        await pilot.press(*PASSPHRASE, "enter")
        asked = await modal(pilot, AskText)
        assert asked.query_one("#answer").value == "brouillon de signature"
        assert isinstance(app.screen_stack[-2], ConcertationScreen)
        await pilot.press("escape")  # left: nothing recorded, the draft goes
        rita = partnership["coordinator"].store.unlock("rita", PASSPHRASE)
        (request,) = rita.run(concertation_reading.list_concertations)
        await wait_for(
            pilot, lambda: rita.run(drafts.read_draft, request.case, f"concertation:{request.id}") is None
        )
    assert [s["state"] for s in state_of(partnership)["steps"]] == ["requested"]


ATTENDEE, REVIEW = "Intervenante Quenouille", "elle a quitté la région de Xylophage"
ACTION, OWNER = "accompagnement au palais Zinnia", "Intervenante Pervenche"


def in_follow_up(partnership: dict[str, Any]) -> str:
    """A request at its follow-up, one action of its plan open (the police's)."""
    store, coordinator = partnership["coordinator"].store, partnership["coordinator"]
    request = store.unlock("iris", PASSPHRASE).run(
        concertations.request, partnership["case"], criteria=["escalation"]
    )
    store.unlock("rita", PASSPHRASE).run(concertations.submit, request, NOTE)
    coordinator.run(concertations.to_committee, request)
    coordinator.run(
        concertations.decide, request, members=["A", "B", "C"], concerted_action=True, why="menaces"
    )
    now = datetime.now().astimezone()
    coordinator.run(
        concertations.hold_meeting,
        request,
        {
            "at": now.isoformat(),
            "chair": "Coord Nord",
            "attendees": [{"name": "Sgt Roy", "organisation": "Police Rivière", "sector": "police"}],
            "actions": [
                {
                    "description": "patrouilles",
                    "owner_org": "Police Rivière",
                    "due": (now + timedelta(days=2)).isoformat(),
                }
            ],
        },
    )
    return request


async def test_a_meeting_typed_before_a_lock_comes_back_after_it(
    make_app: Any, partnership: dict[str, Any], store_url: str
) -> None:
    from tests.support.tui_paths import store_bytes

    request = in_follow_up(partnership)
    coordinator, key = partnership["coordinator"], f"concertation:{request}"
    orgs = {o.name: o.id for o in coordinator.run(people.list_organisations)}
    app = as_user(make_app, "coline")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_request(app, pilot)
        await step(pilot, screen, "meeting", ["meeting", "report_done"])
        await answer(pilot, "")  # now
        await choose(pilot, "regular")
        await answer(pilot, "")  # chaired by her
        await choose(pilot, orgs["Maison Aurore"])
        await answer(pilot, ATTENDEE)
        await choose(pilot, "-")
        await choose(pilot, "impossible")  # the police's action, reviewed
        await answer(pilot, REVIEW)
        await choose(pilot, "add")
        await answer(pilot, ACTION)
        await choose(pilot, orgs["Maison Aurore"])
        await modal(pilot, AskText)
        await pilot.press(*OWNER)  # typed, not yet given
        await pilot.press("f12")
        await wait_for(pilot, lambda: isinstance(app.screen, GateScreen) and not app.workspace.unlocked)
        drafted = await wait_for(pilot, lambda: coordinator.run(drafts.read_draft, partnership["case"], key))
        assert drafted["step"] == "meeting" and drafted["typing"][1] == OWNER
        on_disk = store_bytes(store_url)
        for secret in (ATTENDEE, REVIEW, ACTION, OWNER):
            assert secret not in mounted_text(app) and secret.encode() not in on_disk
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "unlock-passphrase")
        await pilot.press(*PASSPHRASE, "enter")
        asked = await modal(pilot, AskText)
        assert asked.query_one("#answer").value == OWNER
        assert isinstance(app.screen_stack[-2], ConcertationScreen)
        assert any("vos réponses sont revenues" in str(n.message) for n in app._notifications)
        await wait_for(pilot, lambda: app.focused is asked.query_one("#answer"))
        await pilot.press(*" fils")  # typing goes on where it was
        await pilot.press("enter")
        await answer(pilot, "")  # due in two days, as offered
        await choose(pilot, "end")
        await choose(pilot, "yes")
        await wait_for(pilot, lambda: len(state_of(partnership)["meetings"]) == 2)
        await wait_for(pilot, lambda: coordinator.run(drafts.read_draft, partnership["case"], key) is None)
    record = state_of(partnership)
    attendees = [p["name"] for group in record["meetings"][1]["attendees_by_sector"].values() for p in group]
    assert attendees == [ATTENDEE]
    reviewed, added = record["actions"]
    assert (reviewed["status"], reviewed["note"]) == ("impossible", REVIEW)
    assert (added["description"], added["owner_org"]) == (ACTION, "Maison Aurore")
    assert added["owner"] == f"{OWNER} fils"


async def test_the_cell_desk_orders_requests_by_the_level_they_carry(
    make_app: Any, partnership: dict[str, Any]
) -> None:
    store = partnership["coordinator"].store
    worker, repondant = store.unlock("iris", PASSPHRASE), store.unlock("rita", PASSPHRASE)
    lowered = worker.run(cases.new_case, "Dossier réévalué")
    worker.assess(lowered, "csvc-grid", full_grid(homicide_plan="yes"))
    first = worker.run(concertations.request, partnership["case"], criteria=["visible_high_risk"])
    second = worker.run(concertations.request, lowered, criteria=["escalation"])
    repondant.run(concertations.submit, first, NOTE)
    repondant.run(concertations.submit, second, NOTE)
    worker.assess(
        lowered, "csvc-grid", {**full_grid(separation="yes"), "assessed_at": "2026-03-09T10:00:00-05:00"}
    )
    app = as_user(make_app, "coline")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
        await pilot.press("c")
        desk = await modal(pilot, ConcertationsScreen)
        await wait_for(pilot, lambda: desk.desk is not None and len(desk.desk.requests) == 2)
        assert desk.desk is not None
        assert [(r.id, r.compromission, r.previous) for r in desk.desk.requests] == [
            (first, 4, None),
            (second, 3, 4),
        ]
        text = screen_text(app)
        assert text.index("4 Imminent") < text.index("3 Aggravé") and "(était 4)" in text
        assert "niveau non transmis" not in text


async def test_a_ticked_criterion_shows_its_mark(make_app: Any, partnership: dict[str, Any]) -> None:
    app = as_user(make_app, "iris")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen) and CANARY in screen_text(app))
        await pilot.press("enter")
        await modal(pilot, CaseScreen)
        await wait_for(pilot, lambda: "aucune demande" in screen_text(app))
        await pilot.press("c")
        await modal(pilot, AskMany)
        await wait_for(pilot, lambda: "[ ] risque élevé visible" in screen_text(app))
        await pilot.press("space")
        await wait_for(pilot, lambda: "[x] risque élevé visible" in screen_text(app))
        await pilot.press("space")  # untick: the box is empty again
        await wait_for(pilot, lambda: "[ ] risque élevé visible" in screen_text(app))


async def test_page_down_reads_the_rest_of_a_request(make_app: Any, partnership: dict[str, Any]) -> None:
    coordinator = partnership["coordinator"]
    store = coordinator.store
    request = partnership["worker"].run(concertations.request, partnership["case"], criteria=["escalation"])
    store.unlock("rita", PASSPHRASE).run(concertations.submit, request, NOTE)
    coordinator.run(concertations.to_committee, request)
    members = ["Coord Nord", "Sgt Roy", "Interv Côté"]
    coordinator.run(
        concertations.decide, request, members=members, concerted_action=True, why="menaces de mort"
    )
    app = as_user(make_app, "coline")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_request(app, pilot)
        await wait_for(pilot, lambda: "pgdn Suite" in screen_text(app).splitlines()[-1])
        assert "Décision du comité" not in screen_text(app)  # below the screen
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: "Membres : Coord Nord, Sgt Roy, Interv Côté" in screen_text(app))
        assert app.focused is screen.query_one("#cell-plan")  # the focus stays on the plan
        await pilot.press("pageup")
        await wait_for(pilot, lambda: "Étape actuelle" in screen_text(app))
