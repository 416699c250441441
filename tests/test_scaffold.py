"""``csvc plugin new``: the project is valid, loads, passes its own tests; nothing is half-written."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from csvc_core.scaffold import plugin_spec, render_plugin
from csvc_core.testing import check_vignette, load_vignettes, plugin_problems

ROOT = Path(__file__).resolve().parent.parent


def csvc(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "csvc_core", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


@pytest.fixture
def generated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Scaffold a plugin with the real CLI and import its package from the project's src folder."""

    def make(name: str, *extra: str) -> tuple[Path, object]:
        done = csvc("plugin", "new", name, "--dir", str(tmp_path), *extra, "--lang", "en")
        assert done.returncode == 0, done.stderr
        spec = plugin_spec(name)
        project = tmp_path / spec.distribution
        monkeypatch.syspath_prepend(str(project / "src"))
        for module in [m for m in sys.modules if m == spec.package or m.startswith(spec.package + ".")]:
            monkeypatch.delitem(sys.modules, module)
        return project, importlib.import_module(f"{spec.package}.plugin")

    return make


def test_new_plugin_project_is_complete_and_valid(generated):
    project, _ = generated("dv-hotline")
    files = sorted(p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file())
    assert files == [
        ".gitignore",
        "README.md",
        "pyproject.toml",
        "src/csvc_dv_hotline/__init__.py",
        "src/csvc_dv_hotline/instruments/dv-hotline-screen.toml",
        "src/csvc_dv_hotline/plugin.py",
        "tests/test_plugin.py",
        "tests/vignettes/dv-hotline-screen-critical.json",
        "tests/vignettes/dv-hotline-screen-low.json",
        "tests/vignettes/dv-hotline-screen-override-down.json",
    ]
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["build-system"]["build-backend"] == "hatchling.build"
    assert pyproject["project"]["entry-points"]["csvc.plugins"] == {"dv_hotline": "csvc_dv_hotline.plugin"}
    source = (project / "src/csvc_dv_hotline/plugin.py").read_text(encoding="utf-8")
    assert "from csvc_core.plugin import Action, Result, Sector, Text, hookimpl" in source
    checked = csvc("instruments", "validate", str(project / "src/csvc_dv_hotline/instruments"))
    # its new sector is declared by the plugin itself: until it is installed, csvc does not know it
    assert checked.returncode == 2
    assert checked.stderr.endswith("$.sectors: le secteur 'dv_hotline' n'est déclaré par aucun module\n"), (
        checked.stderr
    )
    assert checked.stderr.count("\n") == 1
    for path in project.rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")


def test_generated_plugin_keeps_the_contract_and_its_vignettes(generated, csvc_with_plugin):
    project, module = generated("dv-hotline")
    assert plugin_problems(module, "dv_hotline") == []
    framework = csvc_with_plugin(module, "dv_hotline")
    assert "dv_hotline" in framework.sectors
    vignettes = load_vignettes(project / "tests" / "vignettes")
    assert len(vignettes) == 3
    for name, vignette in vignettes:
        assert check_vignette(framework, vignette) == [], name


def test_plugin_for_a_shipped_sector_does_not_redeclare_it(generated):
    project, module = generated("shelter-extra", "--sector", "shelter")
    source = (project / "src/csvc_shelter_extra/plugin.py").read_text(encoding="utf-8")
    assert "def csvc_sectors" not in source
    assert plugin_problems(module, "shelter_extra") == []
    toml = project / "src/csvc_shelter_extra/instruments/shelter-extra-screen.toml"
    instrument = tomllib.loads(toml.read_text(encoding="utf-8"))
    assert instrument["sectors"] == ["shelter"]


def test_contract_check_finds_a_broken_plugin(tmp_path: Path):
    class Misspelt:
        from csvc_core import hookimpl

        @hookimpl
        def csvc_instrument_source(self):  # misspelt hook name
            return []

    assert plugin_problems(Misspelt(), "misspelt")[0].startswith("registration: ")

    bad = tmp_path / "bad.toml"
    spec = plugin_spec("bad")
    text = render_plugin(spec)[f"src/{spec.package}/instruments/{spec.instrument}.toml"]
    bad.write_text(text.replace('factor = "stalking"', 'factor = "no_such_factor"'), encoding="utf-8")

    class BadInstrument:
        from csvc_core import hookimpl

        @hookimpl
        def csvc_instrument_sources(self):
            return [bad]

    problems = plugin_problems(BadInstrument(), "bad")
    assert any("no_such_factor" in problem for problem in problems), problems


def test_existing_folder_is_refused_and_left_alone(tmp_path: Path):
    project = tmp_path / "csvc-demo"
    project.mkdir()
    (project / "keep.txt").write_text("mine", encoding="utf-8")
    done = csvc("plugin", "new", "demo", "--dir", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "existe déjà" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csvc-demo"]
    assert [p.name for p in project.iterdir()] == ["keep.txt"]


@pytest.mark.parametrize(
    ("name", "extra", "message"),
    [
        ("Bad Name", (), "plugin name 'Bad Name'"),
        ("9lives", (), "plugin name '9lives'"),
        ("ok", ("--sector", "Shelter!"), "--sector 'Shelter!'"),
    ],
)
def test_bad_names_are_refused_with_one_line(tmp_path: Path, name, extra, message):
    done = csvc("plugin", "new", name, "--dir", str(tmp_path), *extra, "--lang", "en")
    assert done.returncode == 2
    assert done.stderr.startswith(f"csvc: {message}") and done.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_the_name_of_an_installed_plugin_is_refused_with_its_owner(tmp_path: Path):
    done = csvc("plugin", "new", "police", "--dir", str(tmp_path), "--lang", "en")
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert done.stderr.startswith(
        "csvc: plugin name 'police': already the name of an installed plugin, from csvc"
    )
    assert list(tmp_path.iterdir()) == []


def test_messages_follow_the_language(tmp_path: Path):
    fr = csvc("plugin", "new", "demo", "--dir", str(tmp_path / "fr"))
    en = csvc("plugin", "new", "demo", "--dir", str(tmp_path / "en"), "--lang", "en")
    assert fr.stdout.startswith("Module « demo » créé dans")
    assert en.stdout.startswith('Plugin "demo" written to')


def readme_commands(project: Path) -> str:
    """The shell block of a generated project's README: what its author is told to run."""
    readme = (project / "README.md").read_text(encoding="utf-8")
    [block] = re.findall(r"```sh\n(.*?)```", readme, flags=re.S)
    return block


@pytest.mark.slow
def test_scaffold_readme_works_in_a_fresh_environment_with_csvc_from_its_wheel(tmp_path: Path, csvc_wheel):
    """A fresh virtual environment holds csvc installed from its wheel; the README's commands, run as
    written in that activated environment, install the plugin, list it, assess with it and pass its tests."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    env = {
        key: value for key, value in os.environ.items() if key != "PYTHONPATH" and not key.startswith("CSVC_")
    }
    env |= {"VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}{os.pathsep}{env['PATH']}"}
    installed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(csvc_wheel)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert installed.returncode == 0, installed.stderr[-2000:]
    made = subprocess.run(
        ["csvc", "plugin", "new", "dv-hotline", "--dir", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    project = tmp_path / "csvc-dv-hotline"
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", readme_commands(project)],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "dv_hotline" in done.stdout and "dv-hotline-screen" in done.stdout
    assert "7 passed" in done.stdout
    where = subprocess.run(
        ["python", "-c", "import csvc_core; print(csvc_core.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert where.stdout.startswith(str(venv)), where.stdout + where.stderr  # the wheel, not this checkout
