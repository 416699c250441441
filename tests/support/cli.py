"""The real command line, in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from csvc_core.store import init_store
from tests.support.constants import FAST_KDF, PASSPHRASE


def run_csvc(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python -m csvc_core ARGS`` with the test's environment (plus ``env``)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "csvc_core", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )


def initialised(tmp_path: Path, url: str, *, via_cli: bool) -> dict[str, str]:
    """A store and the environment of its first user: made by ``csvc store init`` (argon2id at its defaults),
    or through the API with the minimum argon2id cost to keep the other CLI tests quick."""
    env = {
        "CSVC_STORE": url,
        "CSVC_PASSPHRASE": PASSPHRASE,
        "CSVC_USER": "alice",
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
    }
    if via_cli:
        done = run_csvc(
            "store", "init", "--org", "Maison Aurore", "--sector", "shelter", "--user", "alice", env=env
        )
        assert done.returncode == 0, done.stderr
    else:
        init_store(
            url, org="Maison Aurore", sector="shelter", user="alice", passphrase=PASSPHRASE, kdf=FAST_KDF
        ).close()
    return env
