"""The shared risk-factor vocabulary, read from ``csvc_instruments`` (the scale: :mod:`csvc_core.scale`)."""

from __future__ import annotations

from csvc_core.filecache import cached
from csvc_core.model import Text


def load_vocabulary() -> dict[str, Text]:
    """Factor code -> wording in both languages (kept between runs: :mod:`csvc_core.filecache`)."""
    from csvc_instruments import data_dir

    path = data_dir() / "vocabulary.toml"
    raw = path.read_bytes()
    return cached("vocabulary", str(path), raw, None, dict, lambda: _vocabulary(raw))


def _vocabulary(raw: bytes) -> dict[str, Text]:
    import tomllib

    table = tomllib.loads(raw.decode())["factors"]
    return {code: Text(fr=label["fr"], en=label["en"]) for code, label in table.items()}
