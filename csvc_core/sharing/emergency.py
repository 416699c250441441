"""Emergency ("break-glass") access: reading a case one has no other access to, when a life is at stake.

It is an exception, never a way around the sharing rules: a named user of the partnership (not an
administrator) states why, reads the whole case without changing it for :data:`EMERGENCY_HOURS` hours, and
the supervisors of both organisations — the one that holds the case and the user's own — are alerted to
review it. Someone who already reads the whole case has nothing to break.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs

from csvc_core.sharing.parties import ADMIN, WORKER, Actor
from csvc_core.sharing.reasons import Incomplete, Refused, as_utc, blank, reason

#: how long an emergency access lasts; past it, the user needs a basis like anyone else.
EMERGENCY_HOURS = 4


@attrs.frozen
class EmergencyAccess:
    """One break-glass access: who, to which case, why, until when; reviewed later by a supervisor."""

    id: str
    case: str
    user: str
    org: str
    at: datetime
    until: datetime
    reason: str
    reviewed_at: datetime | None = None
    reviewed_by: str | None = None

    def active(self, moment: datetime) -> bool:
        return self.at <= moment < self.until


def break_glass(
    *, id: str, case: str, actor: Actor, reads_whole_case: bool, at: datetime, why: str
) -> EmergencyAccess:
    """An emergency access for ``actor`` to ``case`` from ``at``; refused to an administrator, to someone
    who already reads the whole case, and without a reason."""
    moment = as_utc(at, "at")
    if actor.role == ADMIN:
        raise Refused(reason("break_glass_admin", user=actor.user))
    if reads_whole_case:
        raise Refused(reason("break_glass_needless", case=case))
    if blank(why):
        raise Incomplete(reason("break_glass_reason"))
    until = moment + timedelta(hours=EMERGENCY_HOURS)
    return EmergencyAccess(id, case, actor.user, actor.org, moment, until, why.strip())


def review(access: EmergencyAccess, *, supervisor: Actor, owner: str, at: datetime) -> EmergencyAccess:
    """A supervisor of the case's owner or of the user's organisation has looked at the access."""
    moment = as_utc(at, "at")
    if supervisor.role == WORKER or supervisor.org not in (owner, access.org):
        raise Refused(reason("break_glass_not_supervisor", user=supervisor.user))
    if access.reviewed_at is not None:
        raise Refused(reason("break_glass_reviewed", access=access.id))
    return attrs.evolve(access, reviewed_at=moment, reviewed_by=supervisor.user)
