"""Start-up: ``csvc assess`` on one file as a whole process, beside a process that only imports the libraries
the core is built on (``python -c "import attrs, cattrs, pluggy, click"``), run alternately in the same run.

Goal: 1.5 times the baseline or less, in CPU time (user + system) of each process, the median of alternate
runs: on a shared machine it varies far less than the wall clock, which the notes give too. csvc runs with a
cache folder of this benchmark (:mod:`csvc_core.filecache`), filled by the warm-up run as by a user's first
run. Notes also give: a first run (an empty cache folder each time: every file read and checked), the bare
interpreter, the cost of finding the plugins' entry points with :mod:`importlib.metadata` (its import and the
scan) against :mod:`csvc_core.entrypoints`, both after ``import csvc_core``, and, when Python may not write
bytecode (``PYTHONDONTWRITEBYTECODE``: csvc's own modules are then compiled at each run, unlike the
libraries, compiled at install), the figure with csvc's bytecode cached as an installed csvc has it.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import Measure

GOAL = 1.5
BASELINE = [sys.executable, "-c", "import attrs, cattrs, pluggy, click"]
SCAN = """
import time
import csvc_core, attrs
start = time.perf_counter()
{code}
print(time.perf_counter() - start)
"""


def _env(**extra: str) -> dict[str, str]:
    return {**{key: value for key, value in os.environ.items() if not key.startswith("CSVC_")}, **extra}


def _seconds(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env or _env()
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _scan_ms(code: str, runs: int) -> float:
    command = [sys.executable, "-c", SCAN.format(code=code)]
    times = [
        float(subprocess.run(command, capture_output=True, text=True, check=True).stdout) for _ in range(runs)
    ]
    return 1000 * statistics.median(times)


def _cpu_ms(runs: list[tuple[float, float]]) -> float:
    return 1000 * statistics.median(cpu for _, cpu in runs)


def run(quick: bool) -> list[Measure]:
    runs = 1 if quick else 21
    with tempfile.TemporaryDirectory() as folder:
        case = Path(folder) / "case.json"
        payload = {
            "assessed_at": "2026-03-01T10:00:00-05:00",
            "answers": {"stalking": "yes", "homicide_plan": "no"},
        }
        case.write_text(json.dumps(payload), encoding="utf-8")
        assess = [
            sys.executable,
            "-m",
            "csvc_core",
            "assess",
            "--instrument",
            "csvc-grid",
            "--answers",
            str(case),
        ]
        assess.append("--json")
        bare = [sys.executable, "-c", "pass"]
        env = _env(XDG_CACHE_HOME=str(Path(folder) / "cache"))
        compiled = None
        if sys.flags.dont_write_bytecode:
            compiled = {**env, "PYTHONPYCACHEPREFIX": str(Path(folder) / "bytecode")}
            compiled.pop("PYTHONDONTWRITEBYTECODE", None)
            _seconds(assess, compiled)
        for command in (assess, BASELINE, bare):  # warm the file cache, the bytecode and csvc's cache
            _seconds(command, env)
        ours, base, interpreter, first, installed = [], [], [], [], []
        for number in range(runs):
            ours.append(_seconds(assess, env))
            base.append(_seconds(BASELINE, env))
            interpreter.append(_seconds(bare, env))
            first.append(_seconds(assess, _env(XDG_CACHE_HOME=str(Path(folder) / f"empty-{number}"))))
            if compiled is not None:
                installed.append(_seconds(assess, compiled))
    value, baseline = _cpu_ms(ours), _cpu_ms(base)
    wall, wall_base = (1000 * statistics.median(wall for wall, _ in runs_) for runs_ in (ours, base))
    metadata = _scan_ms("import importlib.metadata as m\nm.entry_points(group='csvc.plugins')", runs)
    light = _scan_ms("import csvc_core.entrypoints as e\ne.entry_points('csvc.plugins')", runs)
    cold = _cpu_ms(first)
    notes: dict[str, float | str] = {
        "wall clock, ms (csvc assess / baseline)": f"{wall:.1f} / {wall_base:.1f}",
        "first run (empty cache folder), CPU ms (ratio)": f"{cold:.1f} ({cold / baseline:.3f})",
        "bare interpreter, CPU ms": round(_cpu_ms(interpreter), 1),
        "entry points, importlib.metadata (import + scan), ms": round(metadata, 1),
        "entry points, csvc_core.entrypoints (import + scan), ms": round(light, 1),
    }
    if installed:
        cached = _cpu_ms(installed)
        notes["csvc's bytecode cached (PYTHONDONTWRITEBYTECODE is set), CPU ms (ratio)"] = (
            f"{cached:.1f} ({cached / baseline:.3f})"
        )
    return [
        Measure(
            name="start-up: csvc assess, one file (CPU time)",
            value=value,
            unit="ms",
            baseline_name="import attrs, cattrs, pluggy, click",
            baseline=baseline,
            goal=f"ratio <= {GOAL}",
            met=None if quick else value / baseline <= GOAL,
            notes=notes,
        )
    ]
