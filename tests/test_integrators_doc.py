"""docs/integrators.md runs: Python blocks execute, JSON validates, the command prints what it shows.

Also: real outputs validate against the shipped JSON Schemas, and every field written is described there.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from csvc_core.schemas import NAMES, schema
from tests.support.vignettes import load_vignettes

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "integrators.md"
BLOCK = re.compile(
    r"(?:<!-- example: (?P<kind>\w+) (?P<name>[\w-]+) -->\n)?```(?P<lang>\w*)\n(?P<body>.*?)```", re.S
)


def blocks(lang: str) -> list[re.Match[str]]:
    return [match for match in BLOCK.finditer(DOC.read_text(encoding="utf-8")) if match["lang"] == lang]


def validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema(name))


def core_only_env() -> dict[str, str]:
    """Every installed plugin disabled: the documented output is the core's own."""
    names = ",".join(ep.name for ep in entry_points(group="csvc.plugins"))
    return {**os.environ, "CSVC_DISABLE_PLUGINS": names}


def test_python_blocks_run_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    code = blocks("python")
    assert len(code) >= 5
    namespace: dict[str, Any] = {"__name__": "integrators_doc"}
    for index, block in enumerate(code):
        exec(compile(block["body"], f"{DOC.name}[python block {index}]", "exec"), namespace)


def test_json_blocks_parse_and_validate():
    examples = blocks("json")
    assert {block["kind"] for block in examples} >= {"answers", "result"}
    for block in examples:
        data = json.loads(block["body"])
        if block["kind"]:
            validator(block["kind"]).validate(data)


def test_documented_command_prints_the_documented_result(tmp_path: Path):
    doc = DOC.read_text(encoding="utf-8")
    instrument = re.search(r"csvc assess --instrument (\S+) --answers answers\.json --json", doc)
    assert instrument is not None
    examples = {
        (block["kind"], block["name"]): json.loads(block["body"]) for block in blocks("json") if block["kind"]
    }
    pairs = [name for kind, name in examples if kind == "answers" and ("result", name) in examples]
    assert pairs
    for name in pairs:
        answers = tmp_path / f"{name}.json"
        answers.write_text(json.dumps(examples[("answers", name)]), encoding="utf-8")
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "csvc_core",
                "assess",
                "--instrument",
                instrument[1],
                "--answers",
                str(answers),
                "--json",
            ],
            capture_output=True,
            text=True,
            env=core_only_env(),
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == examples[("result", name)], (
            f"docs/integrators.md example {name!r} is out of date: paste the output of the command above"
        )


def known_vignettes(csvc) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for name, vignette in load_vignettes():
        if vignette["instrument"] not in csvc.catalogue.instruments or vignette["expect"].get("exit", 0) != 0:
            continue
        payload = dict(vignette["input"])
        if payload.get("answers") == "FIRST_14_YES":
            items = [i.id for i in csvc.instrument(vignette["instrument"]).items if i.type == "yes_no"]
            payload["answers"] = {item: "yes" if index < 14 else "no" for index, item in enumerate(items)}
        found.append((name, {"instrument": vignette["instrument"], "input": payload}))
    return found


def undescribed(data: Any, node: dict[str, Any], defs: dict[str, Any], at: str = "$") -> list[str]:
    """Paths of fields present in ``data`` that ``node`` of the schema does not describe."""
    if "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    for option in node.get("anyOf", []):
        if isinstance(data, dict) and option.get("type") == "object":
            node = option
    found: list[str] = []
    if isinstance(data, dict) and "properties" in node:
        for key, value in data.items():
            if key not in node["properties"]:
                found.append(f"{at}.{key}")
            else:
                found += undescribed(value, node["properties"][key], defs, f"{at}.{key}")
    elif isinstance(data, list) and "items" in node:
        for value in data:
            found += undescribed(value, node["items"], defs, f"{at}[]")
    return sorted(set(found))


def test_real_inputs_and_outputs_validate_and_every_field_is_described(csvc):
    checked = known_vignettes(csvc)
    assert checked, "no vignette of an installed instrument"
    result_schema = schema("result")
    for name, vignette in checked:
        validator("answers").validate(vignette["input"])
        output = csvc.assess(vignette["instrument"], vignette["input"]).to_json()
        validator("result").validate(output)
        assert undescribed(output, result_schema, result_schema["$defs"]) == [], name


def test_cli_output_validates(tmp_path: Path):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"answers": {"strangulation": "yes"}}), encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "csvc_core",
            "assess",
            "--instrument",
            "csvc-grid",
            "--answers",
            str(answers),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    validator("result").validate(json.loads(done.stdout))


@pytest.mark.parametrize(
    ("name", "document"),
    [
        ("answers", {"answers": {"separation": "yes"}, "protagonist": "neighbour"}),
        ("answers", {"answers": {"separation": "yes"}, "override": {"level": "imminent", "reason": "  "}}),
        ("answers", {"answers": {"separation": "yes"}, "assessed_at": "2026-03-01T10:00:00"}),
        ("answers", {"answer": {"separation": "yes"}}),
        ("result", {"instrument": {"id": "csvc-grid", "version": "1.0"}}),
    ],
)
def test_schemas_refuse_what_csvc_refuses(name: str, document: dict[str, Any]):
    assert list(validator(name).iter_errors(document))


def test_schemas_are_valid_2020_12_and_printed_by_the_cli():
    for name in NAMES:
        jsonschema.Draft202012Validator.check_schema(schema(name))
        done = subprocess.run(
            [sys.executable, "-m", "csvc_core", "schema", name], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0 and json.loads(done.stdout) == schema(name)
    refused = subprocess.run(
        [sys.executable, "-m", "csvc_core", "schema", "nope"], capture_output=True, text=True, timeout=120
    )
    assert refused.returncode == 2 and refused.stderr.startswith("csvc: schéma inconnu 'nope'")
