"""The shared risk-factor vocabulary, read from ``csvc_instruments`` (the scale: :mod:`csvc_core.scale`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from csvc_core.filecache import cached
from csvc_core.model import Text
from csvc_core.problems import Problem
from csvc_core.translations import text_problems

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


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


def added_factor_problems(
    code: Any, wording: Any, known: Mapping[str, Text], owners: Mapping[str, str]
) -> list[str]:
    """Why a plugin may not add ``code`` to the vocabulary (``owners``: codes plugins added, by plugin)."""
    if not isinstance(code, str) or not _CODE.match(code):
        return [Problem(f"factor {code!r}", "author.factor_code")]
    if code in known:
        if code in owners:
            return [Problem(f"factor {code!r}", "author.factor_taken", owner=owners[code])]
        return [Problem(f"factor {code!r}", "author.factor_shared")]
    if not isinstance(wording, Text):
        return [Problem(f"factor {code!r}", "author.factor_wording", wording=repr(wording))]
    return text_problems(f"factor {code!r}", wording)
