"""ISO 8601 durations (``P7D``, ``PT72H``, ``P1W``, ``P1DT12H``) as used by instruments."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import lru_cache

_DURATION = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


@lru_cache(maxsize=256)
def parse_duration(text: str) -> timedelta:
    """Parse a day/time ISO 8601 duration; years and months are refused (their length varies)."""
    match = _DURATION.match(text)
    if not match or text in ("P", "PT") or text.endswith("T"):
        raise ValueError(f"not an ISO 8601 duration in weeks, days, hours, minutes or seconds: {text!r}")
    parts = {k: int(v) for k, v in match.groupdict().items() if v}
    return timedelta(**parts)


def is_duration(text: str) -> bool:
    try:
        parse_duration(text)
    except ValueError:
        return False
    return True
