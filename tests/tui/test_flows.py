"""The daily flows, from the keyboard with Pilot on a real SQLite store, asserting on state and store."""

from __future__ import annotations

from typing import Any

from csvc_tui.screens.cases import CasesScreen
from csvc_tui.screens.form import FormScreen
from csvc_tui.screens.gate import GateScreen
from csvc_tui.screens.result import ResultScreen
from textual.widgets import Static

from csvc_core.framework import Csvc
from csvc_core.store import casefile, cases, drafts, open_store
from tests.support.constants import CANARY, PASSPHRASE, UNLOCKED
from tests.support.tui import screen_text, wait_for
from tests.support.tui_paths import choose, open_new_case, start_grid, store_bytes, type_text


async def test_first_run_creates_the_store_then_shows_the_cases(make_app: Any, store_url: str) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.screen.query_one("#setup").display)
        assert "Premier démarrage" in screen_text(app)
        await type_text(pilot, "Maison Aurore")
        await pilot.press("enter")  # to the sector list
        sectors = app.screen.query_one("#setup-sector")
        assert app.focused is sectors
        while sectors.highlighted is None or sectors.get_option_at_index(sectors.highlighted).id != "shelter":
            await pilot.press("down")
        await pilot.press("enter")
        await type_text(pilot, "alice")
        await pilot.press("enter")
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen), timeout=30)
        await wait_for(pilot, lambda: "Maison Aurore" in screen_text(app))
    session = open_store(store_url, csvc=Csvc.load()).unlock("alice", PASSPHRASE)
    assert (session.actor.sector, session.actor.role, session.actor.administers) == (
        "shelter",
        "worker",
        True,
    )


async def test_environment_opens_unlocked_on_the_case_list(make_app: Any, store: Any) -> None:
    session = store.unlock("alice", PASSPHRASE)
    session.run(cases.new_case, CANARY)
    app = make_app(environ=UNLOCKED)
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
        await wait_for(pilot, lambda: CANARY in screen_text(app))


def first_update_text(app: Any) -> list[str]:
    """The plain text of the case list's first screen update handed to the driver (filled in as it runs)."""
    first: list[str] = []
    original = app._display

    def display(screen: Any, update: Any) -> None:
        if update is not None and not first and isinstance(screen, CasesScreen):
            first.append("\n".join(strip.text for strip in screen._compositor.render_strips()))
        original(screen, update)

    app._display = display
    return first


async def test_the_first_page_of_cases_is_in_the_first_screen_update(make_app: Any, store: Any) -> None:
    """The unlock fetches the first page in its own thread: the case list is built with it."""
    store.unlock("alice", PASSPHRASE).run(cases.new_case, CANARY)
    app = make_app(environ=UNLOCKED)
    first = first_update_text(app)
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: first)
        assert CANARY in first[0] and "(chargement…)" not in first[0]


async def test_a_list_built_without_its_first_page_shows_loading_then_the_cases(
    make_app: Any, store: Any
) -> None:
    """A session already open as the app starts: the list is drawn before its first page comes."""
    store.unlock("alice", PASSPHRASE).run(cases.new_case, CANARY)
    app = make_app(session=True)
    first = first_update_text(app)
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: first)
        assert "(chargement…)" in first[0] and CANARY not in first[0]
        await wait_for(pilot, lambda: CANARY in screen_text(app) and "chargement" not in screen_text(app))


async def test_wrong_passphrase_is_one_clear_line_and_stays_locked(make_app: Any, store: Any) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.screen.query_one("#unlock").display)
        await type_text(pilot, "alice")
        await pilot.press("enter")
        await type_text(pilot, "pas la bonne phrase")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Impossible" in screen_text(app))
        assert isinstance(app.screen, GateScreen) and not app.workspace.unlocked
        shown = str(app.screen.query_one("#gate-error", Static).content)  # the core's refusal, in French
        assert (
            "utilisateur 'alice' inconnu ou désactivé, ou phrase de passe erronée : rien n'a changé" in shown
        )


async def test_a_whole_assessment_from_the_keyboard(make_app: Any, store: Any, store_url: str) -> None:
    app = make_app(environ=UNLOCKED)
    async with app.run_test() as pilot:
        case = await open_new_case(app, pilot, CANARY)
        form = await start_grid(app, pilot)
        # chronic: violence yes, jealousy no, control unknown, firearm yes -> its follow-up item appears
        await pilot.press("o", "n", "i", "o")
        assert form.state.current().id == "violence_outside_family"
        shown = {field.id for field in form.state.visible()}
        assert "firearm_detail" in shown
        await pilot.press("up", "enter")  # type the follow-up text
        await type_text(pilot, "carabine au chalet")
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.state.answers.get("firearm_detail") == "carabine au chalet")
        await pilot.press("c")  # a note on the current item
        await type_text(pilot, "selon la victime")
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.state.notes)
        # digits answer too: 2 = no, 1 = yes
        while form.state.current().id != "separation":
            await pilot.press("2")
        await pilot.press("1")
        while form.state.progress()[0] < form.state.progress()[1]:
            await pilot.press("n")
        answered, total = form.state.progress()
        assert answered == total
        assert form.query_one("#progress").progress == answered
        await pilot.press("r")
        result_screen = await wait_for(pilot, lambda: isinstance(app.screen, ResultScreen) and app.screen)
        assert result_screen.result.computed_level == "elevated"
        text = screen_text(app)
        assert "Aggravé" in text and "par paliers" in text
        await pilot.press("c")
        await wait_for(pilot, lambda: app.screen is case)
    session = open_store(store_url, csvc=Csvc.load()).unlock("alice", PASSPHRASE)
    detail = session.run(casefile.case_detail, case.case_id, reveal=True, results=True)
    assert detail.summary.label == CANARY
    [assessment] = detail.assessments
    assert (assessment.instrument, assessment.level, assessment.by) == ("csvc-grid", "elevated", "alice")
    answers = assessment.result
    assert answers is not None and answers["computed_level"] == "elevated"
    assert detail.compromission == 3
    assert session.run(drafts.case_drafts, case.case_id) == []


async def answer_all(pilot: Any, form: FormScreen, answers: dict[str, str]) -> None:
    keys = {"yes": "o", "no": "n", "unknown": "i"}
    while form.state.progress()[0] < form.state.progress()[1]:
        await pilot.press(keys[answers.get(form.state.current().id, "no")])


async def test_raising_the_level_is_kept_with_its_reason_and_lowering_is_not_offered(
    make_app: Any, store: Any, store_url: str
) -> None:
    app = make_app(environ=UNLOCKED)
    async with app.run_test() as pilot:
        case = await open_new_case(app, pilot, "Dossier 2026-031")
        form = await start_grid(app, pilot)
        await answer_all(pilot, form, {"violence_history": "yes"})
        await pilot.press("r")
        result = await wait_for(pilot, lambda: isinstance(app.screen, ResultScreen) and app.screen)
        assert result.result.computed_level == "moderate"
        # lower than the proposal: not offered (the core says which levels are allowed); nothing changes
        await pilot.press("h")
        await wait_for(pilot, lambda: app.screen.query("#choices"))
        offered = [option.id for option in app.screen.query_one("#choices").options]
        assert offered == ["moderate", "elevated", "imminent"], offered
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is result)
        assert result.result.override is None
        # higher: accepted, both levels and the reason shown
        await pilot.press("h")
        await choose(pilot, "imminent")
        await type_text(pilot, "menaces de mort hier soir")
        await pilot.press("enter")
        await wait_for(pilot, lambda: result.result.override is not None)
        assert (result.result.computed_level, result.result.level) == ("moderate", "imminent")
        text = screen_text(app)
        assert "Niveau proposé" in text and "Niveau retenu" in text and "menaces de mort hier soir" in text
        await pilot.press("c")
        await wait_for(pilot, lambda: app.screen is case)
        history = case.query_one("#case-assessments", Static)  # below the actions: read, not on screen
        await wait_for(pilot, lambda: "rehaussé : Modéré → Imminent" in str(history.content))
    session = open_store(store_url, csvc=Csvc.load()).unlock("alice", PASSPHRASE)
    detail = session.run(casefile.case_detail, case.case_id, results=True)
    [stored] = detail.assessments
    assert (stored.computed_level, stored.level, stored.overridden) == ("moderate", "imminent", True)
    assert stored.result is not None and stored.result["override"]["reason"] == "menaces de mort hier soir"
    assert stored.result["override"]["by"] == "alice"
    assert detail.compromission == 4


async def test_privacy_key_hides_everything_locks_and_keeps_the_draft(
    make_app: Any, store: Any, store_url: str
) -> None:
    from tests.support.tui import mounted_text

    note = "brouillon xylophone sept"
    app = make_app(environ=UNLOCKED)
    async with app.run_test() as pilot:
        case = await open_new_case(app, pilot, CANARY)
        form = await start_grid(app, pilot)
        await pilot.press("o", "n", "o")
        await pilot.press("c")
        await type_text(pilot, note)
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.state.notes)
        assert CANARY in mounted_text(app)
        await pilot.press("f12")
        await wait_for(pilot, lambda: app.current_mode == "locked" and isinstance(app.screen, GateScreen))
        await wait_for(pilot, lambda: not app.workspace.unlocked)
        await pilot.pause()
        screens = [screen for stack in app._screen_stacks.values() for screen in stack]
        assert all(isinstance(screen, GateScreen) for screen in screens), screens
        assert not form.is_attached and not case.is_attached
        assert not form.children and not case.children
        for shown in (screen_text(app), mounted_text(app)):
            assert CANARY not in shown and note not in shown and "Il a accès" not in shown
        on_disk = store_bytes(store_url)
        assert note.encode() not in on_disk and CANARY.encode() not in on_disk
        # the environment does not reopen a screen locked on purpose: the passphrase is typed again
        await wait_for(pilot, lambda: app.screen.query_one("#unlock").display)
        assert app.screen.query_one("#unlock-user").value == "alice"
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "unlock-passphrase")
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        resumed = await wait_for(pilot, lambda: isinstance(app.screen, FormScreen) and app.screen)
        assert resumed.state.answers == {
            "violence_history": "yes",
            "obsessive_jealousy": "no",
            "coercive_control": "yes",
        }
        assert note in resumed.state.notes.values()
        assert resumed.case_id == case.case_id


async def test_second_privacy_key_and_inactivity_lock_too(make_app: Any, store: Any) -> None:
    now = [1000.0]
    app = make_app(environ=UNLOCKED, lock_after=600, clock=lambda: now[0])
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
        now[0] += 599
        await app.check_inactivity()
        assert app.current_mode == "work"
        await pilot.press("down")  # activity resets the clock
        now[0] += 599
        await app.check_inactivity()
        assert app.current_mode == "work"
        now[0] += 2
        await app.check_inactivity()
        await wait_for(pilot, lambda: app.current_mode == "locked" and not app.workspace.unlocked)
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "unlock-passphrase")
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
        await pilot.press("ctrl+backslash")
        await wait_for(pilot, lambda: app.current_mode == "locked" and not app.workspace.unlocked)
