"""The terminal UI, headless (Textual's ``run_test``), each figure beside a minimal Textual app, same run.

- First screen of the case list with 10,000 cases: from reading the first page (as the unlock's thread does,
  the session already unlocked: the argon2id key derivation is left out) and building the app until the first
  screen update that shows the newest case's row is ready for the terminal; baseline: a minimal app (one
  ``Static``) until the first update that shows its text.
  Goal: 1.5 times the baseline or less. Both are seen the same way: each update the app hands to its driver
  is encoded as a terminal would be sent it (Textual's own ``render_segments``, which headless runs skip) and
  searched for the text. (Until 2026-11 a loop re-rendered the whole screen every millisecond to look for
  the row: that ran on the app's own thread, once for the minimal app but several times for the case list
  while its first page was read, at a cost growing with the screen: it slowed the side it measured.)
- Keypress-to-screen latency in the assessment form: from the key event handed to Textual's driver until the
  screen update that shows the answer is produced (``App._display``; the draft goes to a thread worker);
  baseline: a minimal app whose binding updates a label, measured the same way. Goal: median under 50 ms.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import Measure
from csvc_core.framework import Csvc
from csvc_core.store import cases

PASSPHRASE = "une phrase de passe assez longue"
FIRST_SCREEN_GOAL = 1.5
LATENCY_GOAL_MS = 50.0
STALL_SECONDS = 10.0


def _store(folder: Path, count: int) -> str:
    """A store on tmpfs when there is one (fsync per case would dominate the set-up), with ``count`` cases."""
    from csvc_core.store import KdfParams, init_store

    url = f"sqlite:///{folder / 'csvc.db'}"
    store = init_store(
        url,
        org="Maison Aurore",
        sector="shelter",
        user="alice",
        passphrase=PASSPHRASE,
        kdf=KdfParams(time_cost=2, memory_cost=19456, parallelism=1),
        csvc=Csvc.load(),
    )
    session = store.unlock("alice", PASSPHRASE)
    for number in range(count):
        session.run(cases.new_case, f"Dossier {number:05d}")
    session.lock()
    store.close()
    return url


async def _until(app: Any, condition: Any) -> None:
    """Wait for ``condition()``; a run that stalls stops with a message instead of hanging."""
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > STALL_SECONDS:
            raise RuntimeError(f"{type(app).__name__}: nothing came within {STALL_SECONDS} s")
        await asyncio.sleep(0.001)


def _watch_first(app: Any, text: str) -> list[float]:
    """The time at which the app first hands its driver a screen update showing ``text``, encoded as the
    terminal would be sent it."""
    seen: list[float] = []
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        if renderable is not None and not seen:
            sent = renderable.render_segments(app.console)
            ready = time.perf_counter()
            if text in sent:
                seen.append(ready)
        original(screen, renderable)

    app._display = display
    return seen


async def _first_paint(app: Any, text: str, start: float) -> float:
    seen = _watch_first(app, text)
    async with app.run_test(size=(80, 24)):
        await _until(app, lambda: seen)
        return seen[0] - start


async def _minimal_first_paint() -> float:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("Dossier 00000")

    start = time.perf_counter()
    return await _first_paint(Minimal(), "Dossier 00000", start)


def _workspace(url: str) -> Any:
    from csvc_tui.workspace import Workspace

    workspace = Workspace(url, environ={})
    workspace.unlock("alice", PASSPHRASE)
    return workspace


async def _case_list_first_paint(url: str, newest: str) -> float:
    from csvc_tui.app import build_app
    from csvc_tui.screens.cases import first_page
    from csvc_tui.settings import TuiSettings

    workspace = _workspace(url)
    start = time.perf_counter()
    first = first_page(workspace)  # as the unlock's thread reads it, before the app shows the cases
    return await _first_paint(build_app(TuiSettings(), workspace, first=first), newest, start)


class _Probe:
    """Times the first screen update the app produces once ``changed()`` holds: the update that shows the
    answer. (Until 2026-11 the wait was for an update after the change was *noticed*; when the update came
    between the change and the poll that noticed it, nothing later came and the run hung.)"""

    def __init__(self, app: Any) -> None:
        self.changed: Any = None
        self.at: float | None = None
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            if renderable is not None and self.at is None and self.changed is not None and self.changed():
                self.at = time.perf_counter()
            original(screen, renderable)

        app._display = display


async def _latency(app: Any, probe: _Probe, key: str, changed: Any) -> float:
    """Send ``key``; seconds until the first screen update produced once ``changed()`` holds."""
    from textual import events

    probe.changed, probe.at = changed, None
    start = time.perf_counter()
    event = events.Key(key, key)
    event.set_sender(app)
    app._driver.send_message(event)
    while probe.at is None:
        if time.perf_counter() - start > STALL_SECONDS:
            raise RuntimeError(f"no screen update showed the answer to {key!r} within {STALL_SECONDS} s")
        await asyncio.sleep(0.0002)
    return probe.at - start


async def _minimal_latency(presses: int) -> list[float]:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Minimal(App[None]):
        BINDINGS = [("o", "answer", "answer")]  # noqa: RUF012
        count = 0

        def compose(self) -> ComposeResult:
            yield Static("—", id="answer")

        def action_answer(self) -> None:
            self.count += 1
            self.query_one("#answer", Static).update(str(self.count))

    app = Minimal()
    times = []
    async with app.run_test(size=(80, 24)) as pilot:
        probe = _Probe(app)
        await pilot.pause()
        for _ in range(presses):
            before = app.count
            times.append(await _latency(app, probe, "o", lambda before=before: app.count > before))
            await asyncio.sleep(0.005)
    return times


async def _form_latency(url: str, presses: int) -> list[float]:
    from csvc_tui.app import build_app
    from csvc_tui.form import FormState
    from csvc_tui.screens.cases import CasesScreen
    from csvc_tui.screens.form import FormScreen
    from csvc_tui.settings import TuiSettings

    workspace = _workspace(url)
    case_id = workspace.cases.new_case("Dossier latence")
    app = build_app(TuiSettings(), workspace)
    times = []
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(app, lambda: isinstance(app.screen, CasesScreen))
        state = FormState(workspace.csvc.instrument("csvc-grid", workspace.sector))
        await app.push_screen(FormScreen(state, "csvc-grid", case_id=case_id))
        await pilot.pause()
        probe = _Probe(app)
        keys = ("o", "n", "i")
        for number in range(presses):
            if state.progress()[0] == state.progress()[1]:
                state.answers.clear()
                state.position = 0
            # a free-text follow-up takes no answer key, an answered item would not count a new answer: step
            # over them; at the last item, start the form again (the run hung where the form stayed on one)
            while state.current().type != "yes_no" or state.current().id in state.answers:
                if state.position >= len(state.visible()) - 1:
                    state.answers.clear()
                    state.position = 0
                else:
                    state.move(1)
            answered = state.progress()[0]
            key = keys[number % 3]
            times.append(await _latency(app, probe, key, lambda a=answered: state.progress()[0] > a))
            await asyncio.sleep(0.005)
    return times


def run(quick: bool) -> list[Measure]:
    count = 50 if quick else 10_000
    runs = 1 if quick else 7
    presses = 5 if quick else 200
    from csvc_tui.text import set_language

    set_language("fr")
    tmpfs = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=tmpfs if tmpfs.is_dir() else None) as folder:
        url = _store(Path(folder), count)
        newest = f"Dossier {count - 1:05d}"
        ours, base = [], []
        asyncio.run(_minimal_first_paint())  # warm Textual's own imports
        for _ in range(runs):
            base.append(asyncio.run(_minimal_first_paint()))
            ours.append(asyncio.run(_case_list_first_paint(url, newest)))
        first, baseline = statistics.median(ours), statistics.median(base)
        latency = asyncio.run(_form_latency(url, presses))
        minimal_latency = asyncio.run(_minimal_latency(presses))
    median_ms, baseline_ms = 1000 * statistics.median(latency), 1000 * statistics.median(minimal_latency)
    return [
        Measure(
            name=f"tui: case list first screen ({count:,} cases)",
            value=1000 * first,
            unit="ms",
            baseline_name="minimal Textual app, first paint",
            baseline=1000 * baseline,
            goal=f"<= {FIRST_SCREEN_GOAL}x baseline",
            met=None if quick else first <= FIRST_SCREEN_GOAL * baseline,
        ),
        Measure(
            name="tui: keypress to screen, assessment form (median)",
            value=median_ms,
            unit="ms",
            baseline_name="minimal app updating a label",
            baseline=baseline_ms,
            goal=f"< {LATENCY_GOAL_MS:.0f} ms",
            met=None if quick else median_ms < LATENCY_GOAL_MS,
            notes={
                "p90 ms": round(1000 * statistics.quantiles(latency, n=10)[-1], 1) if len(latency) > 1 else 0
            },
        ),
    ]
