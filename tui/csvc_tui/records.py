"""Plain records the UI-free layer hands the screens (no widget here: the workspace imports this module)."""

from __future__ import annotations

from datetime import datetime

import attrs


@attrs.frozen
class CaseRow:
    """What one line of the list shows."""

    case_id: str
    name: str
    compromission: int | None
    reassess_by: datetime | None
    overdue: bool
    overdue_actions: int = 0
