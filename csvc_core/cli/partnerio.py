"""Helpers of the partnership commands: the rules' refusals in the reader's language, times, lists."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime

from csvc_core.errors import BadInput, OperationFailed
from csvc_core.jsonio import parse_datetime
from csvc_core.sharing.reasons import Incomplete, Refused


@contextlib.contextmanager
def in_language(lang: str) -> Iterator[None]:
    """A refusal of the sharing rules, worded in ``lang`` (one line, same exit code)."""
    try:
        yield
    except Refused as refused:
        raise OperationFailed(refused.text(lang)) from None
    except Incomplete as missing:
        raise BadInput(missing.text(lang)) from None


def when(text: str | None, option: str) -> datetime | None:
    """An ISO 8601 date and time with offset given to ``option`` (None when not given)."""
    return parse_datetime(text, option) if text else None


def required_when(text: str, option: str) -> datetime:
    return parse_datetime(text, option)
