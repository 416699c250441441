"""The UI's settings: language, inactivity lock, theme and key remapping.

Read from ``tui.toml`` in the user's configuration folder, then the environment (``CSVC_LANG``,
``CSVC_LOCK_AFTER`` in minutes, ``CSVC_THEME``), then the command line. No Textual import here.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import attrs
import platformdirs

from csvc_core.errors import BadInput
from csvc_core.i18n import DEFAULT_LANGUAGE, is_language, languages, register_catalogue
from csvc_tui.text import LOCALE_DIR

register_catalogue(LOCALE_DIR)  # the UI's catalogue words the errors of its settings

DEFAULT_LOCK_MINUTES = 10.0
THEMES = ("csvc", "csvc-contrast")


@attrs.frozen
class TuiSettings:
    """What the UI needs before it starts. ``lock_after`` is in seconds (0: never lock on inactivity)."""

    lang: str = DEFAULT_LANGUAGE
    lock_after: float = DEFAULT_LOCK_MINUTES * 60
    theme: str = THEMES[0]
    keymap: dict[str, str] = attrs.field(factory=dict)


def settings_path() -> Path:
    return Path(platformdirs.user_config_dir("csvc")) / "tui.toml"


def load_settings(
    path: Path | None = None, environ: dict[str, str] | None = None, **given: Any
) -> TuiSettings:
    """Settings from the file, the environment, then ``given`` (command-line values; None ones ignored)."""
    path = path if path is not None else settings_path()
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    if path.exists():
        try:
            with path.open("rb") as handle:
                table = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise BadInput(key="tui.error.settings_toml", path=path, problem=exc) from None
        unknown = sorted(set(table) - {"lang", "lock_after_minutes", "theme", "keymap"})
        if unknown:
            raise BadInput(key="tui.error.settings_unknown", path=path, name=unknown[0])
        values.update({k: v for k, v in table.items() if k != "lock_after_minutes"})
        if "lock_after_minutes" in table:
            values["lock_after"] = _minutes(table["lock_after_minutes"], f"{path}: lock_after_minutes")
    if env.get("CSVC_LANG"):
        values["lang"] = env["CSVC_LANG"]
    if env.get("CSVC_LOCK_AFTER"):
        values["lock_after"] = _minutes(env["CSVC_LOCK_AFTER"], "CSVC_LOCK_AFTER")
    if env.get("CSVC_THEME"):
        values["theme"] = env["CSVC_THEME"]
    values.update({key: value for key, value in given.items() if value is not None})
    if not is_language(values.get("lang", DEFAULT_LANGUAGE)):
        raise BadInput(key="tui.error.settings_language", value=values["lang"], known=", ".join(languages()))
    if values.get("theme", THEMES[0]) not in THEMES:
        raise BadInput(key="tui.error.settings_theme", value=values["theme"], known=", ".join(THEMES))
    keymap = values.get("keymap", {})
    if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
        raise BadInput(key="tui.error.settings_keymap", path=path)
    return TuiSettings(**values)


def _minutes(raw: Any, where: str) -> float:
    try:
        minutes = float(raw)
    except (TypeError, ValueError):
        raise BadInput(key="tui.error.settings_minutes", where=where, value=raw) from None
    if minutes < 0:
        raise BadInput(key="tui.error.settings_minutes", where=where, value=raw)
    return minutes * 60
