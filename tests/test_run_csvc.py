"""``run_csvc`` forks the real command line from a warm server: the child behaves as a fresh ``python -m
csvc_core`` (same exit status, stdout and stderr), takes exactly the environment, working folder and stdin
asked, and a call that sets what a fresh interpreter reads at start-up gets one."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.support.cli import csvc_process, run_csvc


def outcome(done: subprocess.CompletedProcess[str]) -> tuple[int, str, str]:
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("--version",), {}),
        (("--help",), {"CSVC_LANG": "en"}),
        (("schema", "nope"), {"CSVC_LANG": "en"}),
        (("case", "list", "--lang", "xx"), {}),
        (("no-such-command",), {}),
        (("case", "list"), {"CSVC_STORE": "sqlite:///nowhere/csvc.db", "CSVC_USER": "alice"}),
    ],
)
def test_a_forked_command_answers_as_a_fresh_interpreter(args: tuple[str, ...], env: dict[str, str]) -> None:
    warm = run_csvc(*args, env=env)
    assert outcome(warm) == outcome(run_csvc(*args, env=env, fresh=True))
    assert warm.returncode in (0, 1, 2) and "Traceback" not in warm.stderr


def test_each_call_has_exactly_its_environment_stdin_and_folder(tmp_path: Path) -> None:
    english = run_csvc("case", "--help", env={"CSVC_LANG": "en"})
    french = run_csvc("case", "--help")  # the language of the call before does not stay behind
    assert "Dossier" not in english.stdout and "Dossier" in french.stdout

    answers = {"assessed_at": "2026-03-01T10:00:00-05:00", "answers": {"homicide_plan": "yes"}}
    args = ["assess", "--instrument", "csvc-grid", "--answers", "-", "--json"]
    read = run_csvc(*args, stdin=json.dumps(answers))
    assert read.returncode == 0, read.stderr

    (tmp_path / "case.json").write_text(json.dumps(answers), encoding="utf-8")
    args = ["assess", "--instrument", "csvc-grid", "--answers", "case.json", "--json"]
    here = csvc_process(args, os.environ, cwd=tmp_path)
    assert here.returncode == 0, here.stderr
    assert outcome(here) == outcome(csvc_process(args, os.environ, cwd=tmp_path, fresh=True))
    assert json.loads(here.stdout) == json.loads(read.stdout)


def test_a_call_that_sets_a_start_up_variable_gets_a_fresh_interpreter(tmp_path: Path) -> None:
    (tmp_path / "sitecustomize.py").write_text("import sys\nprint('started afresh', file=sys.stderr)\n")
    done = run_csvc("--version", env={"PYTHONPATH": str(tmp_path)})
    assert done.returncode == 0 and done.stderr == "started afresh\n"
    assert run_csvc("--version").stderr == ""
