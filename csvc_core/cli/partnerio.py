"""Helpers of the partnership commands: times given as options."""

from __future__ import annotations

from datetime import datetime

from csvc_core.jsonio import parse_datetime


def when(text: str | None, option: str) -> datetime | None:
    """An ISO 8601 date and time with offset given to ``option`` (None when not given)."""
    return parse_datetime(text, option) if text else None


def required_when(text: str, option: str) -> datetime:
    return parse_datetime(text, option)
