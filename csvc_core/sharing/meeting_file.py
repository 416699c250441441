"""A concertation meeting as its file gives it: ``{"at", "kind", "chair", "attendees": [{"name",
"organisation", "sector"}], "reviews": {ACTION: {"outcome", "note"}}, "actions": [{"description",
"owner_org", "owner", "due"}]}``, read into the meeting, its reviews and the plan's new actions.

Bad input is refused with the file and the ``$.path`` of the value; the rules of the meeting itself (who
attends, what a review may say) are :mod:`csvc_core.sharing.plan`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from csvc_core.errors import BadInput
from csvc_core.jsonio import parse_datetime
from csvc_core.sharing.parties import Organisation
from csvc_core.sharing.plan import Attendee, Meeting, PlanAction, Review

FIELDS = ("at", "kind", "chair", "attendees", "reviews", "actions")

#: the organisation a plan action names (by name or id), ``where`` naming the value for a refusal.
FindOrganisation = Callable[[str, str], Organisation]


def parse_meeting(
    data: Any, source: str, *, now: datetime, new_id: Callable[[], str], organisation: FindOrganisation
) -> tuple[Meeting, dict[str, Review], list[PlanAction]]:
    """The meeting (not held after ``now``), the reviews of the plan's actions by id, and the new actions
    (each with a fresh id, its owner organisation found by ``organisation``)."""
    if not isinstance(data, Mapping):
        raise BadInput(key="error.input.object_expected", where=source, got=type(data).__name__)
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise BadInput(
            key="error.input.unknown_field", where=source, field=unknown[0], fields=", ".join(FIELDS)
        )

    def text(value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise BadInput(key="error.input.text_expected", where=f"{source}: {where}", value=value)
        return value

    def objects(key: str) -> list[Mapping[str, Any]]:
        items = data.get(key) or []
        if not isinstance(items, list) or not all(isinstance(item, Mapping) for item in items):
            raise BadInput(key="error.input.objects_expected", where=f"{source}: $.{key}")
        return items

    at = parse_datetime(data.get("at"), f"{source}: $.at")
    if at > now:
        raise BadInput(key="error.store.meeting_future", where=f"{source}: $.at", at=at.isoformat())
    held = Meeting(
        new_id(),
        at,
        text(data.get("kind", "regular"), "$.kind"),
        text(data.get("chair", ""), "$.chair"),
        tuple(
            Attendee(
                text(a.get("name", ""), f"$.attendees[{i}].name"),
                text(a.get("organisation", ""), f"$.attendees[{i}].organisation"),
                text(a.get("sector", ""), f"$.attendees[{i}].sector"),
            )
            for i, a in enumerate(objects("attendees"))
        ),
    )
    reviews_raw = data.get("reviews") or {}
    if not isinstance(reviews_raw, Mapping):
        raise BadInput(key="error.store.reviews_expected", where=f"{source}: $.reviews")
    reviews = {}
    for key, value in reviews_raw.items():
        if not isinstance(value, Mapping):
            raise BadInput(key="error.store.review_expected", where=f"{source}: $.reviews.{key}")
        reviews[key] = Review(
            text(value.get("outcome", ""), f"$.reviews.{key}.outcome"),
            text(value.get("note", ""), f"$.reviews.{key}.note"),
        )
    plan = []
    for i, item in enumerate(objects("actions")):
        owner = organisation(
            text(item.get("owner_org", ""), f"$.actions[{i}].owner_org"),
            f"{source}: $.actions[{i}].owner_org",
        )
        plan.append(
            PlanAction(
                id=new_id(),
                description=text(item.get("description", ""), f"$.actions[{i}].description"),
                owner_org=owner.id,
                owner_sector=owner.sector,
                due=parse_datetime(item.get("due"), f"{source}: $.actions[{i}].due"),
                meeting=held.id,
                owner=text(item.get("owner", ""), f"$.actions[{i}].owner"),
            )
        )
    return held, reviews, plan
