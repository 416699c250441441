"""Exit codes (0, 1, 2) and one clear line on bad input — never a traceback — through a real subprocess
and through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from core_kit import run_csvc

from csvc_core.cli import cli

AT = "2026-03-01T10:00:00-05:00"


def answers(**fields: object) -> str:
    return json.dumps({"assessed_at": AT, **fields})


# (name, --instrument, answers text or None for a path given in args, the words the one line must hold)
BAD_INPUTS = [
    ("malformed JSON", "csvc-grid", '{"answers": {', ["malformed JSON at line 1"]),
    ("not an object", "csvc-grid", "[1, 2]", ["expected a JSON object, got list"]),
    ("empty file", "csvc-grid", "", ["malformed JSON"]),
    ("unknown instrument", "no-such-grid", answers(), ["unknown instrument 'no-such-grid'", "csvc-grid"]),
    (
        "unknown item",
        "csvc-grid",
        answers(answers={"pets": "yes"}),
        ["$.answers.pets", "unknown item 'pets'"],
    ),
    ("wrong type", "csvc-grid", answers(answers={"stalking": 1}), ["$.answers.stalking", "got 1"]),
    ("wrong word", "csvc-grid", answers(answers={"stalking": "oui"}), ["$.answers.stalking", "'oui'"]),
    ("answers not an object", "csvc-grid", answers(answers=["stalking"]), ["$.answers: expected an object"]),
    (
        "override without reason",
        "csvc-grid",
        answers(answers={"stalking": "yes"}, override={"level": "imminent", "by": "B"}),
        ["$.override.reason", "needs a reason"],
    ),
    (
        "override downward",
        "csvc-grid",
        answers(answers={"stalking": "yes"}, override={"level": "concern", "reason": "calme", "by": "B"}),
        ["$.override.level", "'concern' is lower than the computed level 'elevated'"],
    ),
    (
        "override to an unknown level",
        "csvc-grid",
        answers(override={"level": "extreme", "reason": "x"}),
        ["$.override.level", "unknown level 'extreme'"],
    ),
    (
        "date without offset",
        "csvc-grid",
        json.dumps({"assessed_at": "2026-03-01T10:00:00"}),
        ["no UTC offset"],
    ),
    ("unknown field", "csvc-grid", answers(answer={}), ["unknown field 'answer'"]),
    ("bad context", "csvc-grid", answers(context="none"), ["$.context: expected an object"]),
]


@pytest.mark.parametrize(
    ("name", "instrument", "text", "words"), BAD_INPUTS, ids=[row[0] for row in BAD_INPUTS]
)
def test_bad_input_subprocess(
    tmp_path: Path, name: str, instrument: str, text: str, words: list[str]
) -> None:
    path = tmp_path / "case.json"
    path.write_text(text, encoding="utf-8")
    done = run_csvc("assess", "--instrument", instrument, "--answers", str(path), "--json", "--lang", "en")
    assert done.returncode == 2, (name, done.stderr)
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("csvc: ")
    for word in words:
        assert word in lines[0], (word, lines[0])
    if instrument == "csvc-grid" and name != "unknown instrument":
        assert str(path) in lines[0]  # the file is named


@pytest.mark.parametrize(
    ("name", "instrument", "text", "words"), BAD_INPUTS, ids=[row[0] for row in BAD_INPUTS]
)
def test_bad_input_cli_runner(name: str, instrument: str, text: str, words: list[str]) -> None:
    result = CliRunner().invoke(
        cli, ["assess", "--instrument", instrument, "--answers", "-", "--json", "--lang", "en"], input=text
    )
    assert result.exit_code == 2, (name, result.output)
    assert result.stdout == ""
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    (line,) = result.stderr.splitlines()
    for word in words:
        assert word in line, (word, line)


# (name, answers text, the French line's words, the English line's words)
IN_BOTH_LANGUAGES = [
    ("malformed JSON", '{"answers": {', ["JSON mal formé à la ligne 1"], ["malformed JSON at line 1"]),
    (
        "unknown item",
        answers(answers={"pets": "yes"}),
        ["$.answers.pets : item inconnu 'pets' de csvc-grid"],
        ["$.answers.pets: unknown item 'pets' of csvc-grid"],
    ),
    (
        "override without reason",
        answers(answers={"stalking": "yes"}, override={"level": "imminent", "by": "B"}),
        ["$.override.reason : un rehaussement doit être motivé (niveau 'imminent')"],
        ["$.override.reason: an override needs a reason (level 'imminent')"],
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "french", "english"), IN_BOTH_LANGUAGES, ids=[row[0] for row in IN_BOTH_LANGUAGES]
)
def test_an_error_is_french_by_default_and_english_with_lang_en(
    tmp_path: Path, name: str, text: str, french: list[str], english: list[str]
) -> None:
    path = tmp_path / "case.json"
    path.write_text(text, encoding="utf-8")
    for lang_args, words in (((), french), (("--lang", "en"), english)):
        done = run_csvc("assess", "--instrument", "csvc-grid", "--answers", str(path), *lang_args)
        assert (done.returncode, done.stdout) == (2, ""), (name, done.stderr)
        (line,) = done.stderr.splitlines()
        assert line.startswith(f"csvc: {path}")
        for word in words:
            assert word in line, (word, line)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["assess", "--instrument", "csvc-grid", "--answers", "/no/such/case.json", "--lang", "en"],
            ["/no/such/case.json", "cannot read"],
        ),
        (["assess", "--instrument", "csvc-grid"], ["--answers"]),
        (["assess", "--answers", "-"], ["--instrument"]),
        (["assess", "--instrument", "csvc-grid", "--answers", "-", "--lang", "de"], ["--lang"]),
        (["assess", "--nope"], ["--nope"]),
        (["no-such-command"], ["no-such-command"]),
        (["instruments", "show", "no-such-grid", "--lang", "en"], ["unknown instrument 'no-such-grid'"]),
    ],
)
def test_usage_errors_exit_2(args: list[str], words: list[str]) -> None:
    done = run_csvc(*args, stdin="{}")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in done.stderr


def test_a_directory_or_binary_file_is_bad_input(tmp_path: Path) -> None:
    done = run_csvc("assess", "--instrument", "csvc-grid", "--answers", str(tmp_path))
    assert (done.returncode, "Traceback" in done.stderr) == (2, False)
    assert str(tmp_path) in done.stderr
    binary = tmp_path / "case.json"
    binary.write_bytes(b"\xff\xfe\x00{")
    done = run_csvc("assess", "--instrument", "csvc-grid", "--answers", str(binary))
    assert (done.returncode, "Traceback" in done.stderr) == (2, False)
    assert "pas du texte UTF-8" in done.stderr


def test_success_is_exit_0_with_exactly_one_json_object(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(answers(answers={"stalking": "yes"}), encoding="utf-8")
    done = run_csvc("assess", "--instrument", "csvc-grid", "--answers", str(path), "--json")
    assert done.returncode == 0
    result = json.loads(done.stdout)
    for key in (
        "instrument",
        "assessed_at",
        "score",
        "computed_level",
        "level",
        "compromission",
        "complete",
        "missing",
        "factors",
        "flags",
        "override",
        "actions",
        "reassess_by",
    ):
        assert key in result
    assert result["instrument"] == {"id": "csvc-grid", "version": "1.0"}
    factor = result["factors"][0]
    assert (factor["item"], factor["factor"], factor["contribution"]) == ("stalking", "stalking", 1)


def test_assess_reads_standard_input_and_speaks_both_languages() -> None:
    text = answers(answers={"homicide_plan": "yes"})
    french = run_csvc("assess", "--instrument", "csvc-grid", "--answers", "-", stdin=text)
    english = run_csvc("assess", "--instrument", "csvc-grid", "--answers", "-", "--lang", "en", stdin=text)
    assert french.returncode == english.returncode == 0
    assert "Niveau retenu : Imminent" in french.stdout
    assert "Final level: Imminent" in english.stdout
    assert "Re-assess by: 2026-03-04T10:00:00-05:00" in english.stdout


def test_instruments_list_and_show_json() -> None:
    listing = json.loads(run_csvc("instruments", "list", "--json").stdout)
    grid = next(row for row in listing if row["id"] == "csvc-grid")
    assert set(grid) >= {"id", "version", "title", "sectors"} and set(grid["title"]) == {"fr", "en"}
    shown = json.loads(run_csvc("instruments", "show", "csvc-grid", "--json").stdout)
    item = next(item for item in shown["items"] if item["id"] == "homicide_plan")
    assert (item["factor"], item["type"], item["group"], item["critical"]) == (
        "homicide_plan",
        "yes_no",
        "precipitating",
        True,
    )
    assert set(item["label"]) == {"fr", "en"}
    levels = {level["id"]: level for level in shown["levels"]}
    assert (levels["imminent"]["rank"], levels["imminent"]["compromission"]) == (4, 4)
    assert levels["imminent"]["reassess_after"] == "PT72H"
    assert "origin" not in shown


def test_python_m_csvc_core_and_version() -> None:
    done = run_csvc("--version")
    assert done.returncode == 0 and "version" in done.stdout
    done = run_csvc("--help")
    assert done.returncode == 0 and "assess" in done.stdout


def test_options_without_a_subcommand_are_the_terminal_uis() -> None:
    from csvc_core.cli import with_default_command

    assert with_default_command(["--lang", "en"]) == ["tui", "--lang", "en"]
    assert with_default_command(["--version"]) == ["--version"]
    assert with_default_command(["case", "list"]) == ["case", "list"]
    assert with_default_command([]) == []
    done = run_csvc("--lang", "xx")  # a bad value: refused by `csvc tui` itself, before any terminal is taken
    assert done.returncode == 2
    assert "csvc tui" in done.stderr and "'xx'" in done.stderr and "Traceback" not in done.stderr
