"""What the store tells plugins after a change to a case is committed (the ``csvc_case_event`` hook)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import attrs

#: ``action_status``: an action's status changed (``detail``: the new status); ``case_event``: an event was
#: recorded on a case (``detail``: its kind, e.g. ``partner_release``); ``concertation_step``: a concertation
#: moved on (``detail``: ``requested``, ``submitted``, ``to_committee``, ``decided``, ``meeting``,
#: ``action_done`` or ``closed``).
EventKind = Literal["action_status", "case_event", "concertation_step"]


@attrs.frozen
class CaseEvent:
    """One committed change: its kind, what it is about (``subject``: the action, event or concertation id),
    the case when it is known, the detail and when csvc committed it. It names no person and holds no note."""

    kind: EventKind
    subject: str
    detail: str
    at: datetime
    case_id: str | None = None
