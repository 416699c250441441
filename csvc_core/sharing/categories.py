"""Categories of information a consent covers and a share or a disclosure carries."""

from __future__ import annotations

#: identity: names and dates of birth; contact: address, telephone; safe_contact: when and how it is safe to
#: reach
#: her; assessment: answers and factors; risk_level: the level and its date; safety_plan: actions and their
#: owners;
#: children: the children's situation; history: past incidents and their dates; health: health information;
#: justice: conditions, charges, release dates.
CATEGORIES: tuple[str, ...] = (
    "identity",
    "contact",
    "safe_contact",
    "assessment",
    "risk_level",
    "safety_plan",
    "children",
    "history",
    "health",
    "justice",
)
