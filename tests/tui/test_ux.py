"""What a person sees and types under stress, at 80x24 in French: numbering, labels, levels, people, focus,
errors in her language (issue 6)."""

from __future__ import annotations

from typing import Any

from csvc_tui.screens.case import CaseScreen
from csvc_tui.screens.form import FormScreen
from textual.widgets import Static

from tests.tui.conftest import UNLOCKED, screen_text, wait_for
from tests.tui.test_flows import open_new_case, start_grid


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
        assert total == len([f for f in form.state.visible() if f.item is not None and f.type != "text"])


async def assess_all_yes(app: Any, pilot: Any, instrument_id: str) -> Any:
    """From an open case: e, the instrument, the victim, every question answered yes, r: the result screen."""
    from csvc_tui.screens.result import ResultScreen

    from tests.tui.test_flows import choose

    await pilot.press("e")
    await choose(pilot, instrument_id)
    if app.screen.query("#choices"):
        await choose(pilot, "victim")
    form = await wait_for(pilot, lambda: isinstance(app.screen, FormScreen) and app.screen)
    while form.state.progress()[0] < form.state.progress()[1]:
        await pilot.press("o")
    await pilot.press("r")
    return await wait_for(pilot, lambda: isinstance(app.screen, ResultScreen) and app.screen)


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
        assert "3 Élevé" in header, header
        assert header.count("Élevé") == 1 and "Aggravé" not in header, header
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

    from tests.tui.conftest import PASSPHRASE

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
