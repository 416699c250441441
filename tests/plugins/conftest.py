"""Fixtures of the sector-plugin tests: the real CLI in a subprocess, and assessing with a fixed date."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import csvc_process

ASSESSED_AT = "2026-03-01T10:00:00-05:00"


@pytest.fixture
def run_csvc(tmp_path: Path) -> Callable[..., tuple[int, Any, str]]:
    """Run ``csvc ARGS`` in its own process (:func:`tests.support.cli.csvc_process`); ``answers`` (a dict)
    is written to a file and passed by path.

    Returns the exit status, the parsed JSON output (None when stdout is empty) and stderr.
    """

    def run(*args: str, answers: dict[str, Any] | None = None, env: dict[str, str] | None = None):
        argv = list(args)
        if answers is not None:
            path = tmp_path / "answers.json"
            path.write_text(json.dumps(answers), encoding="utf-8")
            argv += ["--answers", str(path)]
        done = csvc_process(argv, {**os.environ, **(env or {})})
        output = json.loads(done.stdout) if done.stdout.strip() else None
        return done.returncode, output, done.stderr

    return run


@pytest.fixture
def assess(csvc: Any) -> Callable[..., Any]:
    """``assess(instrument, answers, **fields)``: the pipeline's result, dated ASSESSED_AT unless told."""

    def run(instrument: str, answers: dict[str, Any], sector: str | None = None, **fields: Any) -> Any:
        payload = {"assessed_at": ASSESSED_AT, "answers": answers, **fields}
        return csvc.assess(instrument, payload, sector=sector)

    return run
