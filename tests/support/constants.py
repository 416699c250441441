"""Constants of the test suite: where things are, the fast key derivation, the passphrase, the canary."""

from __future__ import annotations

from pathlib import Path

from csvc_core.store import KdfParams

ROOT = Path(__file__).resolve().parents[2]
VIGNETTES = ROOT.parent / "shared" / "vignettes"

#: the ASVS minimum argon2id cost, to keep the suite fast (the CLI always uses argon2-cffi's defaults).
FAST_KDF = KdfParams(time_cost=2, memory_cost=19456, parallelism=1)
PASSPHRASE = "une phrase de passe assez longue"
#: a synthetic name that must never be left on screen after the privacy key, nor in clear in a store file.
CANARY = "Zéphyrine Canaripoulos"
#: the environment of alice, already unlocked.
UNLOCKED = {"CSVC_USER": "alice", "CSVC_PASSPHRASE": PASSPHRASE}
