"""Organisations and users of a synthetic partnership, shared by the sharing tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from csvc_core.sharing.parties import Actor, Organisation

EST = timezone(timedelta(hours=-5))
T0 = datetime(2026, 3, 1, 10, 0, tzinfo=EST)

SHELTER = Organisation("maison-aurore", "shelter")
POLICE = Organisation("police-riviere", "police")
HEALTH = Organisation("cisss-nord", "health")
YOUTH = Organisation("dpj-nord", "youth_protection")
CELL = Organisation("cellule-nord", "csvc")
ORGANISATIONS = (SHELTER, POLICE, HEALTH, YOUTH, CELL)


def actor(org: Organisation, role: str, user: str | None = None) -> Actor:
    return Actor(user or f"{role}@{org.id}", org, role)
