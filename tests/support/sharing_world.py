"""A synthetic partnership (organisations, users, a consent, a disclosure) shared by the sharing tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from csvc_core.sharing.consent import Consent, Partner, give_consent
from csvc_core.sharing.disclosure import (
    ABLE_TO_HELP,
    Disclosure,
    FieldSelection,
    Grounds,
    Recipient,
    build_disclosure,
)
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


WORKER = actor(SHELTER, "worker")

#: the victim's consent to tell youth protection about the children and the risk level, for 90 days.
YOUTH_CONSENT: Consent = give_consent(
    id="c1",
    case="case-1",
    person="victime",
    purpose="protection des enfants",
    categories={"children", "risk_level"},
    partner=Partner("youth_protection"),
    given_by=WORKER.user,
    given_at=T0,
    expires_at=T0 + timedelta(days=90),
)


def police_disclosure(at: datetime = T0, harms: frozenset[str] = frozenset({"death"})) -> Disclosure:
    """An art. 60.4 disclosure by the shelter worker to the police: the address and the risk level."""
    return build_disclosure(
        id="d1",
        case="case-1",
        at=at,
        discloser=WORKER,
        recipient=Recipient("Police de la Rivière", "police", ABLE_TO_HELP, organisation=POLICE.id),
        grounds=Grounds(
            reasonable_cause="menaces de mort hier",
            harms=harms,
            exposed="Mme A.",
            violence="homicide conjugal",
            danger="arme à feu au domicile",
            urgency="départ prévu ce soir",
            imminence="hours",
        ),
        selection=FieldSelection(("victim_address", "risk_level", "victim_name")).tick(
            "victim_address", "risk_level"
        ),
    )
