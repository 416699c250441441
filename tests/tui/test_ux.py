"""What a person sees and types under stress, at 80x24 in French: numbering, labels, levels, people, focus,
errors in her language (issue 6)."""

from __future__ import annotations

from typing import Any

from csvc_tui.screens.case import CaseScreen
from csvc_tui.screens.form import FormScreen
from csvc_tui.text import _
from textual.widgets import OptionList, Static

from csvc_core.store import casefile, cases
from tests.support.constants import PASSPHRASE, UNLOCKED
from tests.support.tui import screen_text, wait_for
from tests.support.tui_paths import assess_all_yes, open_case_by_name, open_new_case, start_grid


def shown_numbers(form: FormScreen) -> list[str]:
    return [str(row.query_one(".field-number", Static).content).strip() for row in form.rows if row.display]


async def test_form_numbers_have_no_gap_whatever_follow_up_is_hidden(make_app: Any, store: Any) -> None:
    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new_case(app, pilot, "Dossier 2026-101")
        form = await start_grid(app, pilot)
        await pilot.press("o", "n", "i", "n")  # firearm_access: no -> its follow-up stays hidden
        await wait_for(pilot, lambda: "firearm_detail" not in {f.id for f in form.state.visible()})
        hidden = shown_numbers(form)
        main = [n.rstrip(".") for n in hidden if n.rstrip(".").isdigit()]
        assert main == [str(n) for n in range(1, len(main) + 1)], hidden
        assert len(main) == len(hidden)  # nothing but 1, 2, 3… while no follow-up applies
        await pilot.press("up", "o")  # firearm_access: yes -> the follow-up shows as 4a, the rest unchanged
        await wait_for(pilot, lambda: "firearm_detail" in {f.id for f in form.state.visible()})
        shown = shown_numbers(form)
        assert shown[:6] == ["1.", "2.", "3.", "4.", "4a.", "5."], shown
        assert [n for n in shown if n != "4a."] == hidden
        answered, total = form.state.progress()
        assert f"{answered}/{total}" in screen_text(app)
        assert total == len([f for f in form.state.visible() if f.type != "text"])


async def test_result_flags_name_their_items_by_label_not_id(make_app: Any, store: Any) -> None:
    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new_case(app, pilot, "Dossier 2026-102")
        result = await assess_all_yes(app, pilot, "csvc-grid")
        flagged = {item for flag in result.result.flags for item in flag.items}
        assert "strangulation" in flagged
        explanation = str(result.query_one("#explanation", Static).content)
        assert not any(item in explanation for item in flagged), explanation
        flags = explanation[explanation.index("Signalements") :]
        assert "Il a déjà tenté de l'étrangler ou de l'étouffer." in flags


async def test_result_header_shows_the_level_once_with_number_and_name(make_app: Any, store: Any) -> None:
    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new_case(app, pilot, "Dossier 2026-103")
        result = await assess_all_yes(app, pilot, "risk-checklist")
        assert result.result.computed_level == "high"
        header = str(result.query_one("#result-level", Static).content)
        assert "Élevé → compromission  3 Aggravé" in header, header  # a number goes with the scale's name
        assert header.count("Élevé") == 1 and header.count("Aggravé") == 1 and "3 Élevé" not in header, header
        assert "Règle : par décompte" in header and "count" not in header, header
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))
        result = await assess_all_yes(app, pilot, "csvc-grid")
        header = str(result.query_one("#result-level", Static).content)
        assert "4 Imminent" in header and header.count("Imminent") == 1, header


async def test_first_run_fields_keep_visible_labels_at_80x24(make_app: Any, store_url: str) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.screen.query_one("#setup").display)
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "setup-org")
        await pilot.press(*"Maison Aurore", "enter", "enter", *"alice", "enter", *"une phrase", "tab", *"une")
        text = screen_text(app)
        for label in ("Nom de l'organisme", "Secteur", "Nom d'utilisateur", "Phrase de passe", "Répétez-la"):
            assert label in text, text
        assert "Maison Aurore" in text and "alice" in text
        fields = ["#setup-org", "#setup-sector", "#setup-user", "#setup-passphrase", "#setup-repeat"]
        for selector in fields:
            region = app.screen.query_one(selector).region
            assert region.height >= 1 and region.y >= 1 and region.bottom <= 23, (selector, region)


class Held:
    """Holds a workspace call (the store's answer) until the test lets it go: the keys come first."""

    def __init__(self, workspace: Any, method: str = "gate_state") -> None:
        import threading

        self.release = threading.Event()
        real = getattr(workspace, method)

        def held(*args: Any) -> Any:
            self.release.wait(10)
            return real(*args)

        setattr(workspace, method, held)


async def test_keys_typed_before_the_unlock_form_is_ready_go_to_the_passphrase(
    make_app: Any, store: Any
) -> None:
    from csvc_tui.screens.cases import CasesScreen

    from tests.support.constants import PASSPHRASE

    app = make_app(environ={"CSVC_USER": "alice"})
    gate = Held(app.workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.focused is None or app.focused.id != "unlock-user"
        await pilot.press(*PASSPHRASE)
        gate.release.set()
        await wait_for(pilot, lambda: app.screen.query_one("#unlock").display)
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "unlock-passphrase")
        assert app.screen.query_one("#unlock-user").value == "alice"
        assert app.screen.query_one("#unlock-passphrase").value == PASSPHRASE
        assert "Nom d'utilisateur" in screen_text(app) and "Phrase de passe" in screen_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen), timeout=30)
        await wait_for(pilot, lambda: "Dossiers — alice" in screen_text(app))
        await wait_for(pilot, lambda: not app.screen.fetching)


async def test_a_refused_unlock_gives_the_passphrase_field_back(make_app: Any, store: Any) -> None:
    app = make_app(environ={"CSVC_USER": "alice"})
    opening = Held(app.workspace, "unlock")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "unlock-passphrase")
        await pilot.press(*"pas la bonne phrase", "enter")
        await pilot.press(*"abc")  # typed while it opens: lands nowhere
        opening.release.set()
        await wait_for(pilot, lambda: "Impossible" in screen_text(app))
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "unlock-passphrase")
        assert app.screen.query_one("#unlock-passphrase").value == ""
        assert app.screen.query_one("#unlock-user").value == "alice"


async def test_people_are_added_changed_and_revealed_one_field_at_a_time(
    make_app: Any, store: Any, store_url: str
) -> None:
    import json

    from csvc_tui.screens.ask import AskText
    from csvc_tui.screens.gate import GateScreen

    from csvc_core.store.schema import audit_log
    from tests.support.constants import CANARY, PASSPHRASE
    from tests.support.tui import mounted_text
    from tests.support.tui_paths import choose, type_text

    phone, address = "555-0187", "7 rue des Tilleuls"
    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=(80, 24)) as pilot:
        case = await open_new_case(app, pilot, "Dossier 2026-104")
        await pilot.press("a")
        await choose(pilot, "victim")
        await type_text(pilot, CANARY)
        await pilot.press("enter")
        await wait_for(pilot, lambda: case.detail.protagonists and case.detail.protagonists[0].name == CANARY)
        for version, (field, value) in enumerate((("phone", phone), ("address", address)), start=2):
            await pilot.press("m")
            await choose(pilot, field)
            await wait_for(pilot, lambda: isinstance(app.screen, AskText))
            await type_text(pilot, value)
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.screen is case)
            await wait_for(pilot, lambda v=version: case.detail.protagonists[0].version == v)
        await pilot.press("m")
        await choose(pilot, "safe_to_call")
        await choose(pilot, "yes")
        await wait_for(pilot, lambda: case.detail.protagonists[0].safe_to_call is True)
        people = first_person(case)
        assert CANARY in people and phone not in people and address not in people
        assert "Masqué" in people and "téléphone" in people and "adresse" in people
        await pilot.press("r")
        await choose(pilot, "phone")
        await wait_for(pilot, lambda: phone in first_person(case))
        people = first_person(case)
        assert address not in people and "adresse" in people  # only the field asked for is shown
        await pilot.press("f12")  # masked again on lock
        await wait_for(pilot, lambda: isinstance(app.screen, GateScreen) and not app.workspace.unlocked)
        assert phone not in mounted_text(app) and CANARY not in mounted_text(app)
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "unlock-passphrase")
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        reopened = await open_case_by_name(app, pilot, "Dossier 2026-104")
        assert phone not in first_person(reopened)
    with store.engine.connect() as connection:
        rows = connection.execute(audit_log.select().order_by(audit_log.c.seq)).all()
    reveals = [json.loads(row.detail)["fields"] for row in rows if row.action == "protagonist.reveal"]
    assert reveals == [["phone"]]
    reads = [json.loads(row.detail)["fields"] for row in rows if row.action == "case.read"]
    assert reads and all("contacts" not in fields for fields in reads)
    updates = [json.loads(row.detail)["fields"] for row in rows if row.action == "protagonist.update"]
    assert updates == [["contact.phone"], ["contact.address"], ["safe_to_call"]]
    session = store.unlock("alice", PASSPHRASE)
    [victim] = session.run(casefile.case_detail, case.case_id, reveal=True).protagonists
    assert victim.contact is not None and (victim.contact.phone, victim.contact.address) == (phone, address)


def first_person(case: CaseScreen) -> str:
    return str(case.query_one("#case-people", OptionList).get_option_at_index(0).prompt)


def test_no_two_keys_of_a_screen_clash_in_either_language() -> None:
    """A key added to a screen (``a`` adds a person in French) may not take one the screen or the app has."""
    from csvc_tui.app import CsvcApp
    from csvc_tui.screens.form import FormScreen
    from csvc_tui.screens.result import ResultScreen

    from csvc_core.i18n import catalogue

    for lang in ("fr", "en"):
        words = catalogue(lang)
        for screen in (CaseScreen, FormScreen, ResultScreen):
            taken: dict[str, str] = {}
            for binding in [*CsvcApp.BINDINGS, *screen.BINDINGS]:
                ident = getattr(binding, "id", None)
                if ident is None or ident.startswith("answer_digit_"):
                    continue
                for key in words[f"tui.keys.{ident}"].split(","):
                    clash = (lang, screen.__name__, key, ident, taken.get(key))
                    assert taken.setdefault(key, ident) == ident, clash


async def test_a_new_case_asks_for_its_first_assessment_rather_than_saying_it_is_late(
    make_app: Any, store: Any
) -> None:
    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new_case(app, pilot, "Dossier fictif")
        first = _("case.first_assessment", letter=_("keys.case_assess"))
        shown = await wait_for(pilot, lambda: first in screen_text(app) and screen_text(app))
        assert _("case.overdue") not in shown


def test_each_column_of_a_case_row_is_whole_at_80_columns() -> None:
    from datetime import UTC, datetime, timedelta

    from csvc_tui.widgets.case_table import CaseRow, row_text

    width = 78  # 80 columns less the list's scroll bar
    past = datetime(2026, 11, 1, 12, tzinfo=UTC)
    never = CaseRow("a", "Dossier fictif A", None, past, True)
    late = CaseRow("b", "Dossier fictif B", 3, past, True, overdue_actions=2)
    ahead = CaseRow("c", "Dossier fictif C", 2, datetime.now(UTC) + timedelta(days=30), False)
    texts = {row.case_id: row_text(row, width, actions_column=True).plain for row in (never, late, ahead)}
    assert all(len(text) <= width for text in texts.values()), texts
    assert "ÉVALUATION À FAIRE" in texts["a"] and "RETARD" not in texts["a"]
    assert "EN RETARD 2026-11-01" in texts["b"] and texts["b"].rstrip().endswith("2 act. en retard")
    assert "réévaluer" in texts["c"] and "Dossier fictif C" in texts["c"]


async def test_the_case_list_says_a_new_case_needs_its_assessment(make_app: Any, store: Any) -> None:
    store.unlock("alice", PASSPHRASE).run(cases.new_case, "Dossier fictif D")
    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=(80, 24)) as pilot:
        shown = await wait_for(pilot, lambda: "Dossier fictif D" in screen_text(app) and screen_text(app))
        line = next(line for line in shown.splitlines() if "Dossier fictif D" in line)
        assert "ÉVALUATION À FAIRE" in line and "RETARD" not in line


async def test_f_filters_the_case_list_in_turn_and_says_which(make_app: Any, store: Any) -> None:
    from datetime import UTC, datetime, timedelta

    from csvc_tui.screens.cases import CasesScreen
    from csvc_tui.widgets.case_table import CaseTable

    from tests.support.stores import full_grid

    session = store.unlock("alice", PASSPHRASE)
    serious = session.run(cases.new_case, "Dossier fictif grave")
    now = datetime.now(UTC).isoformat()
    yesterday = (datetime.now(UTC) - timedelta(hours=25)).isoformat()  # past the grace of actions due at once
    session.assess(serious, "csvc-grid", {**full_grid(homicide_plan="yes"), "assessed_at": yesterday})
    calm = session.run(cases.new_case, "Dossier fictif calme")
    session.assess(calm, "csvc-grid", {**full_grid(), "assessed_at": now})
    session.run(cases.new_case, "Dossier fictif nouveau")
    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=(80, 24)) as pilot:

        def names() -> set[str]:
            return {row.name.removeprefix("Dossier fictif ") for row in app.screen.query_one(CaseTable).rows}

        def all_three() -> bool:
            return isinstance(app.screen, CasesScreen) and len(app.screen.query_one(CaseTable).rows) == 3

        await wait_for(pilot, all_three)
        assert names() == {"grave", "calme", "nouveau"}
        assert "f Filtrer" in screen_text(app).splitlines()[-1]  # announced on the key bar at 80 columns
        expected = [
            ({"grave"}, "filtre : niveau 3 ou 4"),
            ({"nouveau"}, "filtre : à évaluer ou en retard"),
            ({"grave"}, "filtre : actions en retard"),  # "alert the police without delay", 25 hours on
            ({"grave", "calme", "nouveau"}, "tous les dossiers"),
        ]
        for shown, status in expected:
            await pilot.press("f")
            await wait_for(pilot, lambda shown=shown: names() == shown)
            assert status in screen_text(app)
