"""Acceptance: a shelter worker's first day with the real ``csvc`` in tmux at 80x24, in French, from a fresh
store: first run, a new case, the shelter's checklist (one action left out), then the shared grid on the same
case; the case screen shows each action once, the one left out not back to do, and the level with its source.

Each step is a small function (the words it waits for come from the catalogue), so that a change of the
first-run form, the result screen or the action list changes one step, not the test.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from csvc_tui.text import _
from csvc_tui.workspace import Workspace

from csvc_core.framework import Csvc
from tests.support.cli import run_csvc
from tests.support.constants import PASSPHRASE
from tests.support.terminal import NEEDS_TMUX, Terminal, csvc_terminal
from tests.support.terminal import line_of as row

pytestmark = NEEDS_TMUX

ORGANISATION = "Maison Aurore"
CASE = "Dossier 2026-001"
CHECKLIST, GRID = "risk-checklist", "csvc-grid"


@pytest.fixture
def terminal(store_url: str, tmp_path: Path) -> Any:
    (tmp_path / "store").mkdir()
    opened = csvc_terminal(store_url, tmp_path, "alice")
    yield opened
    opened.close()


def styled_row(terminal: Terminal, label: str) -> str:
    """The first row holding ``label`` with its colours (what shows where the focus is); "": the screen."""
    shown = terminal.tmux("capture-pane", "-p", "-e", "-t", terminal.name)
    return next((line for line in shown.splitlines() if label in line), "") if label else shown


def focus(terminal: Terminal, label: str, *keys: str) -> None:
    """``keys`` that move the focus to the field ``label``; as a person, she types once she sees it there."""
    before = styled_row(terminal, label)
    terminal.keys(*keys)
    terminal.until(lambda _shown: styled_row(terminal, label) != before, f"the focus on {label!r}")


def type_passphrase(terminal: Terminal, label: str, key: str) -> None:
    """``key`` to the passphrase field ``label`` and type it: as many dots on its row."""
    focus(terminal, label, key)
    terminal.type(PASSPHRASE)
    dots = "•" * len(PASSPHRASE)
    terminal.until(lambda shown: dots in row(shown, label), f"the passphrase in {label!r}")


def first_run(terminal: Terminal, store_url: str) -> None:
    """Organisation, the shelter sector, the first person and her passphrase twice: the case list opens."""
    terminal.wait(_("gate.organisation"))
    terminal.type(ORGANISATION)
    terminal.until(lambda shown: ORGANISATION in row(shown, _("gate.organisation")), "the organisation")
    _exists, sectors = Workspace(store_url, environ={}).gate_state()
    focus(terminal, sectors[0][0], "Enter")  # the sector list, its first sector highlighted
    shelter = next(label for label, sector in sectors if sector == "shelter")
    downs = ["Down"] * [sector for _label, sector in sectors].index("shelter")
    focus(terminal, _("gate.first_user"), *downs, "Enter")
    assert shelter.split()[0] in row(terminal.screen(), _("gate.sector"))
    terminal.type("alice")
    terminal.until(lambda shown: "alice" in row(shown, _("gate.first_user")), "the first person")
    # Enter goes to the next empty field (her role has its default: she works cases and administers)
    type_passphrase(terminal, _("gate.new_passphrase"), "Enter")
    type_passphrase(terminal, _("gate.repeat_passphrase"), "Tab")
    terminal.keys("Enter")
    terminal.wait(_("cases.title", user="alice", org=ORGANISATION).split(" · ")[0], timeout=90)


def new_case(terminal: Terminal) -> None:
    terminal.keys("n")
    terminal.wait(_("cases.new_prompt"))
    terminal.type(CASE)
    terminal.keys("Enter")
    terminal.wait(_("case.title", case=CASE))


def actions_of(instrument_id: str) -> Any:
    """The actions the instrument recommends when every question is answered yes, for a shelter."""
    csvc = Csvc.load()
    items = [item.id for item in csvc.instrument(instrument_id).items if item.type == "yes_no"]
    when = datetime.now(UTC).isoformat()
    answers = {"assessed_at": when, "answers": dict.fromkeys(items, "yes")}
    return csvc.assess(instrument_id, answers, sector="shelter").actions


def start_assessment(terminal: Terminal, instrument_id: str) -> int:
    """``e``, the instrument by its place in the sector's list, the victim if asked: its number of
    questions."""
    shelter = Csvc.load().instruments("shelter")
    terminal.keys("e")
    terminal.wait(_("assess.instrument"))
    terminal.keys(*["Down"] * [i.id for i in shelter].index(instrument_id), "Enter")
    shown = terminal.until(
        lambda shown: _("assess.protagonist") in shown or re.search(r"\b0/\d+", shown) is not None,
        "the form or the choice of person",
    )
    if _("assess.protagonist") in shown:
        terminal.keys("Enter")
        shown = terminal.until(lambda shown: re.search(r"\b0/\d+", shown) is not None, "the form")
    found = re.search(r"\b0/(\d+)", shown)
    assert found is not None
    return int(found.group(1))


def yes_no(instrument_id: str) -> int:
    """How many of the instrument's questions take a yes or a no."""
    return sum(item.type == "yes_no" for item in Csvc.load().instrument(instrument_id).items)


def answer(terminal: Terminal, keys: list[str]) -> None:
    """Answer the questions in order (``o`` yes, ``n`` no), then ``r``: the result screen, ready for keys."""
    terminal.keys(*keys)
    # the counter counts every numbered question, the checklist's two context values (left empty) included
    terminal.until(lambda shown: re.search(rf"\b{len(keys)}/\d+", shown) is not None, "the answers counted")
    terminal.keys("r")
    terminal.wait(_("result.title", title="").strip(" —"))
    terminal.wait(_("binding.result_confirm"))


def scroll_to(terminal: Terminal, label: str, pages: int = 6) -> None:
    """Page Down until ``label`` shows (the screen may still be settling when the first page is asked)."""
    for _page in range(pages):
        terminal.keys("PageDown")
        try:
            terminal.wait(label, timeout=2)
            return
        except AssertionError:
            continue
    terminal.wait(label)


def leave_out(terminal: Terminal, label: str, place: int) -> None:
    """On the result screen (its action list has the focus, on the first), untick the recommended action
    ``label``, at ``place`` (0: the first)."""
    scroll_to(terminal, label)
    before = styled_row(terminal, label)
    terminal.keys(*["Down"] * place, "Space")
    terminal.until(lambda _shown: styled_row(terminal, label) != before, f"{label!r} left out")


def confirm(terminal: Terminal, instrument_id: str, count: int) -> str:
    """``c``: stored; the case screen, once its trend shows the case's ``count`` assessments (the list of
    assessments may be below the actions, which have the focus)."""
    terminal.keys("c")
    terminal.wait(_("result.saved"))

    def listed(shown: str) -> bool:
        trend = row(shown, _("case.trend"))
        return len(trend.split(":", 1)[-1].split()) == count if trend else False

    return terminal.until(listed, f"the {instrument_id} assessment in the case")


def stored_actions(store_url: str, tmp_path: Path) -> list[dict[str, Any]]:
    """The case's actions as the real CLI reads them from the store."""
    env = {
        "CSVC_STORE": store_url,
        "CSVC_USER": "alice",
        "CSVC_PASSPHRASE": PASSPHRASE,
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
    }
    listed = run_csvc("case", "list", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    [case] = json.loads(listed.stdout)
    shown = run_csvc("case", "show", case["id"], "--json", env=env)
    assert shown.returncode == 0, shown.stderr
    actions: list[dict[str, Any]] = json.loads(shown.stdout)["actions"]
    return actions


def action_window(screen: str) -> list[str]:
    """The lines of the action list now visible (it has the focus: its rows have the frame's left border),
    without its frame and scroll bar."""
    rows = [line for line in screen.splitlines() if line.lstrip().startswith("▊")]
    return [
        line.rstrip(" ▎▁▂▃▄▅▆▇█").lstrip(" ▊") for line in rows if "▔▔▔▔" not in line and "▁▁▁▁" not in line
    ]


def read_actions(terminal: Terminal, count: int) -> list[str]:
    """Every line of the case's action list, read as she scrolls it from the first action to the last
    (``count``), one at a time: each new view is joined to what was read at their overlap."""
    # the notice of the saved assessment covers the list's right side until it fades
    terminal.until(lambda shown: _("result.saved") not in shown, "the notice gone", timeout=30)
    read = action_window(terminal.screen())  # the case screen opens with the focus on its actions
    for _step in range(count - 1):  # the first action is highlighted on entry
        focus(terminal, "", "Down")  # the highlight moves (the list scrolls when it must)
        window = action_window(terminal.screen())
        sizes = range(min(len(read), len(window)), -1, -1)
        overlap = next(k for k in sizes if read[len(read) - k :] == window[:k])
        read += window[overlap:]
    return read


def entries(lines: list[str]) -> list[str]:
    """The list's entries (an entry starts with its status in brackets), each on one line."""
    joined: list[str] = []
    for line in lines:
        if line.startswith("[") or not joined:
            joined.append(line)
        else:
            joined[-1] += " " + line
    return joined


def test_a_first_day_from_first_run_to_a_second_assessment(
    terminal: Terminal, store_url: str, tmp_path: Path
) -> None:
    labels = {action.id: action.label.fr for action in actions_of(CHECKLIST) if action.label}
    first_run(terminal, store_url)
    new_case(terminal)

    start_assessment(terminal, CHECKLIST)
    questions = yes_no(CHECKLIST)  # the context values the counter also counts are left empty
    answer(terminal, ["o"] * questions)
    leave_out(terminal, labels["shelter_offer"][:30], 1)  # the first, the referral, is mandatory
    confirm(terminal, CHECKLIST, 1)

    start_assessment(terminal, GRID)
    questions = yes_no(GRID)
    answer(terminal, ["o"] + ["n"] * (questions - 1))  # a known history of violence, nothing else
    shown = confirm(terminal, GRID, 2)

    csvc = Csvc.load()
    level = row(shown, _("case.level"))
    assert re.search(r":\s+3\b", level), shown  # the checklist's level still holds, the grid's is lower
    holder = " ".join(shown[shown.index(level) :].split())  # the level's source, as its wrapped lines read
    source = f"{csvc.sectors['shelter'].name.fr} · {csvc.instrument(CHECKLIST).title.fr}"
    assert source in holder, shown

    stored = stored_actions(store_url, tmp_path)
    listed = entries(read_actions(terminal, len(stored)))
    for action, label in labels.items():
        found = [entry for entry in listed if label[:30] in entry]
        assert len(found) == 1, f"{action}: " + "\n".join(listed)
    [offer] = [entry for entry in listed if labels["shelter_offer"][:30] in entry]
    assert offer.startswith(f"[{_('status.not_done')}]"), offer
