"""A wheel built from the repository carries the sector plugins and their data files.

The wheel is unpacked into a fresh virtual environment whose only other packages are csvc's dependencies
(linked from the running environment, where csvc itself is an editable install that this one cannot see).
"""

from __future__ import annotations

import json
import os
import subprocess
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest


@pytest.mark.slow
def test_wheel_in_a_fresh_environment_loads_every_plugin(tmp_path: Path, csvc_wheel: Path) -> None:
    wheel = csvc_wheel
    env = tmp_path / "env"
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    (site / "csvc_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    clean = {
        key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "CSVC_DISABLE_PLUGINS")
    }

    def csvc(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(python), "-m", "csvc_core", *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
            env=clean,
        )

    where = subprocess.run(
        [str(python), "-c", "import csvc_police; print(csvc_police.__file__)"],
        capture_output=True,
        text=True,
        env=clean,
    )
    assert where.stdout.startswith(str(site)), where.stdout + where.stderr
    listing = json.loads(csvc("plugins", "--json").stdout)
    assert {"police", "health", "shelter", "partner_programs"} <= {p["name"] for p in listing["plugins"]}
    assert listing["failed"] == [] and listing["instrument_problems"] == []
    for instrument, answers in (
        ("lethality-screen", {"weapon_threat": "yes"}),
        ("health-screen", {"hurt": 3, "insult": 4, "threaten": 2, "scream": 3}),
        ("tension-screen", {"relationship_tension": 3}),
        ("risk-checklist", {"strangulation": "yes"}),
    ):
        done = csvc(
            "assess",
            "--instrument",
            instrument,
            "--answers",
            "-",
            "--json",
            stdin=json.dumps({"answers": answers}),
        )
        assert done.returncode == 0, done.stderr
    plan = subprocess.run(
        [
            str(python),
            "-c",
            "from csvc_shelter.safety_plan import load_template; print(len(load_template().sections))",
        ],
        capture_output=True,
        text=True,
        env=clean,
    )
    assert plan.stdout.strip() == "6", plan.stderr
