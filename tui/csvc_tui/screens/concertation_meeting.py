"""The meeting step of a concertation request: when, which kind, the chair, who attended (by organisation),
the review of every open action, the new actions (owner organisation, person, due date); asked in turn in a
worker of the request's screen, then recorded as one step."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from csvc_core.sharing.plan import MEETING_KINDS, REVIEW_OUTCOMES
from csvc_tui.screens.concertation_text import DATE_TIME
from csvc_tui.screens.questions import Questions, fetch
from csvc_tui.text import _

if TYPE_CHECKING:
    from csvc_tui.screens.concertation import ConcertationScreen


async def meeting(screen: ConcertationScreen, ask: Questions) -> None:
    """When, which kind, the chair, who attended (by organisation), the review of every open action, the
    new actions (owner organisation, person, due date); then recorded as one step."""
    assert screen.record is not None
    workspace = screen.csvc_app.workspace
    organisations = await store_organisations(screen)
    if organisations is None:
        return
    now = datetime.now().astimezone()
    previous = screen.record.steps[-1].at
    at = await ask.moment(
        _("cell.meeting_at"),
        now.strftime(DATE_TIME),
        not_future=True,
        not_before=previous,
        exact=now,
    )
    if at is None:
        return
    kind = await ask.choice(_("cell.meeting_kind"), [(k, _(f"cell.kind.{k}")) for k in MEETING_KINDS])
    chair = kind and await ask.text(_("cell.meeting_chair"), workspace.user_name or "", required=True)
    if not chair:
        return
    attendees = await ask_attendees(screen, ask, organisations)
    if attendees is None:
        return
    reviews = await ask_reviews(screen, ask)
    if reviews is None:
        return
    actions = await ask_plan(screen, ask, organisations, at)
    if actions is None:
        return
    summary = _(
        "cell.meeting_confirm",
        people=_("cell.meeting_people", count=len(attendees)),
        reviews=_("cell.meeting_reviews", count=len(reviews)),
        actions=_("cell.meeting_actions", count=len(actions)),
    )
    if not await ask.confirm(summary):
        return
    meeting = {
        "at": at.isoformat(),
        "kind": kind,
        "chair": chair,
        "attendees": attendees,
        "reviews": reviews,
        "actions": actions,
    }
    cell, ident = workspace.cell, screen.concertation_id
    screen.take("meeting", lambda: cell.meeting(ident, meeting))


async def store_organisations(screen: ConcertationScreen) -> list[Any] | None:
    found = await fetch(screen, screen.csvc_app.workspace.cell.organisations)
    return None if found is None else sorted(found, key=lambda o: o.name)


def organisation_choices(screen: ConcertationScreen, organisations: list[Any]) -> list[tuple[str, object]]:
    """Each organisation by its name and its sector's."""
    sector_name = screen.csvc_app.workspace.sector_name
    return [(o.id, f"{o.name} · {sector_name(o.sector)}") for o in organisations]


async def ask_attendees(
    screen: ConcertationScreen, ask: Questions, organisations: list[Any]
) -> list[dict[str, str]] | None:
    people: list[dict[str, str]] = []
    choices = organisation_choices(screen, organisations)
    while True:
        options = [*choices, ("-", _("cell.attendees_end"))] if people else choices
        present = ", ".join(f"{p['name']} ({p['organisation']})" for p in people) or "—"
        org_id = await ask.choice(_("cell.attendee_org", people=present), options)
        if org_id is None:
            return None
        if org_id == "-":
            return people
        org = next(o for o in organisations if o.id == org_id)
        name = await ask.text(_("cell.attendee_name", org=org.name), required=True)
        if name is None:
            continue
        people.append({"name": name, "organisation": org.name, "sector": org.sector})


async def ask_reviews(screen: ConcertationScreen, ask: Questions) -> dict[str, dict[str, str]] | None:
    assert screen.record is not None
    found: dict[str, dict[str, str]] = {}
    for action in (a for a in screen.record.actions if a.status == "open"):
        outcome = await ask.choice(
            _("cell.review_prompt", action=action.description, org=action.owner_org),
            [(o, _(f"cell.outcome.{o}")) for o in REVIEW_OUTCOMES],
        )
        if outcome is None:
            return None
        note = await ask.text(
            _("cell.review_note", outcome=_(f"cell.outcome.{outcome}")), required=outcome != "done"
        )
        if note is None:
            return None
        found[action.id] = {"outcome": outcome, "note": note}
    return found


async def ask_plan(
    screen: ConcertationScreen, ask: Questions, organisations: list[Any], at: datetime
) -> list[dict[str, str]] | None:
    actions: list[dict[str, str]] = []
    default_due = (at + timedelta(days=2)).strftime("%Y-%m-%d")
    while True:
        more = await ask.choice(
            _("cell.plan_prompt", count=len(actions)),
            [("add", _("cell.plan_add")), ("end", _("cell.plan_end"))],
        )
        if more is None:
            return None
        if more == "end":
            return actions
        description = await ask.text(_("cell.action_description"), required=True)
        if description is None:
            continue
        owner_org = await ask.choice(
            _("cell.action_owner_org"),
            organisation_choices(screen, organisations),
        )
        if owner_org is None:
            continue
        owner = await ask.text(_("cell.action_owner"))
        if owner is None:
            continue
        due = await ask.moment(_("cell.action_due"), default_due, end_of_day=True, after=at)
        if due is None:
            continue
        actions.append(
            {"description": description, "owner_org": owner_org, "owner": owner, "due": due.isoformat()}
        )
