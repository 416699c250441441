"""Who takes part: organisations of the partnership (each in one sector) and their users with a role."""

from __future__ import annotations

import attrs

from csvc_core.sectors import PARTNERSHIP

WORKER, REPONDANT, COORDINATOR, ADMIN = "worker", "repondant", "coordinator", "admin"
#: worker: front-line practitioner; repondant: the organisation's designated person (supervisor) who signs off
#: a
#: cell request; coordinator: the rapid-intervention cell's coordinator; admin: manages the organisation's
#: users.
ROLES: tuple[str, ...] = (WORKER, REPONDANT, COORDINATOR, ADMIN)
#: sectors of the partnership (csvc: the partnership itself, home of the cell coordinator).
SECTORS: tuple[str, ...] = (
    "police",
    "health",
    "shelter",
    "partner_program",
    "youth_protection",
    "prosecution",
    "corrections",
    PARTNERSHIP,
)


@attrs.frozen
class Organisation:
    id: str
    sector: str


@attrs.frozen
class Actor:
    """A named user acting for one organisation, in one role (every action is attributed to one user)."""

    user: str
    organisation: Organisation
    role: str

    @property
    def org(self) -> str:
        return self.organisation.id

    @property
    def sector(self) -> str:
        return self.organisation.sector
