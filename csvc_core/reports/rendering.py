"""The Jinja2 environment of the reports: HTML autoescaped, Markdown escaped by a filter, dates for people."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2

from csvc_core.i18n import t

TEMPLATES = Path(str(files("csvc_core.reports"))) / "templates"
FORMATS = ("html", "md")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MD_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def md_escape(value: Any) -> str:
    """Text safe inside Markdown: markup characters and HTML escaped, line breaks kept as spaces."""
    text = " ".join(("" if value is None else str(value)).split())
    text = "".join(_MD_ENTITIES.get(char, char) for char in text)
    return _MD_SPECIAL.sub(r"\\\1", text)


def when(value: str | datetime | None, lang: str = "fr") -> str:
    """A date and time for a person: ``2026-03-01 10:00 (UTC-05:00)``; empty for none."""
    if value is None:
        return t("report.none", lang)
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    offset = moment.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    return f"{moment:%Y-%m-%d %H:%M} ({zone})"


def day(value: str | datetime | None, lang: str = "fr") -> str:
    if value is None:
        return t("report.none", lang)
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return f"{moment:%Y-%m-%d}"


@cache
def environment(fmt: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=fmt == "html",
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.filters["when"] = when
    env.filters["day"] = day
    env.globals["t"] = t
    return env


def render(template: str, fmt: str, **context: Any) -> str:
    """Render ``template.<fmt>.j2`` with ``context``."""
    return environment(fmt).get_template(f"{template}.{fmt}.j2").render(fmt=fmt, **context)
