"""What the sharing screens ask of the store: consents, shares under consent, disclosures without consent
(art. 60.4), the case's communications and what partners shared with this organisation.

Each method is slow work (store): screens call it in their own thread workers. Nothing here decides: the
guards are the core's (:mod:`csvc_core.sharing`), the records the store's, every write audited by the store.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs

from csvc_core.sharing.disclosure import FieldSelection, Grounds, Recipient, build_disclosure
from csvc_core.store import communications, consents, disclosures, drafts, people, received

if TYPE_CHECKING:
    from csvc_core.store.records import SharedCase
    from csvc_core.store.session import StoreSession
    from csvc_tui.workspace import Workspace

#: how long a consent lasts, in days, as the consent form offers it (a consent is for the time needed).
CONSENT_DAYS: tuple[int, ...] = (7, 30, 90, 180, 365)
#: the draft key of the art. 60.4 form in the store's drafts (encrypted, this user's own).
DISCLOSURE_DRAFT = "sharing:disclosure"
#: since when the case's communications are listed: all of them.
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@attrs.frozen
class SharingView:
    """A case's sharing: its consents, and every communication this organisation made of it."""

    consents: tuple[Any, ...]
    communications: tuple[Any, ...]
    disclosure_draft: bool = False


@attrs.frozen
class Partner:
    """A choice of recipient: one organisation of the store (``organisation`` its id) or a whole sector."""

    value: str
    sector: str
    organisation: str | None = None
    name: str = ""


class SharingWork:
    """The sharing calls of one workspace (its session, once unlocked)."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._drafting = threading.Lock()
        self._recorded: set[str] = set()  # the forms whose disclosure is recorded: their draft is not saved

    @property
    def session(self) -> StoreSession:
        """The open session (locked meanwhile: one clear error, never a crash)."""
        return self.workspace.live

    # -- reading ---------------------------------------------------------------------------------------------
    def view(self, case_id: str) -> SharingView:
        session = self.session
        given = session.run(consents.list_consents, case_id)
        now = datetime.now(UTC)
        lines = session.run(communications.communications_register, EPOCH, now + timedelta(days=1), case_id)
        drafted = session.run(drafts.read_draft, case_id, DISCLOSURE_DRAFT) is not None
        return SharingView(tuple(given), tuple(reversed(lines)), drafted)

    def partners(self, sectors: bool = True) -> list[Partner]:
        """The other organisations of the store, then (with ``sectors``) every sector as a whole."""
        session = self.session
        own = session.actor.org_id
        found = [
            Partner(f"org:{org.id}", org.sector, org.id, org.name)
            for org in session.run(people.list_organisations)
            if org.id != own
        ]
        if sectors:
            from csvc_core.sharing.parties import SECTORS

            found.extend(Partner(f"sector:{sector}", sector) for sector in SECTORS)
        return found

    def disclosure(self, disclosure_id: str) -> Any:
        """The whole entry (the store audits the read)."""
        return self.session.run(disclosures.read_disclosure, disclosure_id)

    def received(self) -> list[SharedCase]:
        """Cases held elsewhere that this organisation may read something of, and on which basis."""
        return list(self.session.run(received.shared_cases))

    def received_case(self, case_id: str) -> dict[str, Any]:
        """What this organisation received of a case, each disclosure with its entry (why, the danger)."""
        session = self.session
        case = dict(session.run(received.shared_with_me, case_id))
        case["received"] = [
            {**item, "entry": session.run(disclosures.read_disclosure, item["disclosure"])}
            if "disclosure" in item
            else item
            for item in case["received"]
        ]
        return case

    # -- consent ---------------------------------------------------------------------------------------------
    def give_consent(
        self,
        case_id: str,
        *,
        person: str,
        purpose: str,
        categories: Iterable[str],
        partner: Partner,
        days: int,
    ) -> str:
        expires = datetime.now(UTC) + timedelta(days=days)
        return str(
            self.session.run(
                consents.give_consent,
                case_id,
                person=person,
                purpose=purpose,
                categories=list(categories),
                partner_sector=partner.sector,
                partner=partner.organisation,
                expires_at=expires,
            )
        )

    def withdraw(self, consent_id: str) -> None:
        self.session.run(consents.withdraw_consent, consent_id)

    def may_share(self, case_id: str, categories: Iterable[str], to: str, purpose: str | None) -> Any:
        """The core's answer, with its reasons, before anything is shared."""
        return self.session.run(consents.may_share, case_id, list(categories), to, purpose)

    def share(self, case_id: str, *, categories: Iterable[str], to: str, purpose: str) -> str:
        return str(
            self.session.run(consents.share, case_id, categories=list(categories), to=to, purpose=purpose)
        )

    # -- disclosure without consent (art. 60.4) --------------------------------------------------------------
    def disclosure_form(self, case_id: str) -> tuple[dict[str, str], list[Partner], dict[str, Any] | None]:
        """What the art. 60.4 form needs: the fields offered (none ticked), the partner organisations, and
        what this user typed in it before (her encrypted draft), if anything."""
        session = self.session
        offered = dict(session.run(disclosures.offered_fields, case_id))
        return (
            offered,
            self.partners(sectors=False),
            session.run(drafts.read_draft, case_id, DISCLOSURE_DRAFT),
        )

    def save_disclosure_draft(self, case_id: str, content: dict[str, Any], form: str) -> None:
        """Keep what is typed in ``form`` (encrypted, this user's own): a lock or a crash loses nothing of it;
        never again once its disclosure is recorded (a late save would bring a stale draft back)."""
        with self._drafting:
            if form not in self._recorded:
                self.session.run(drafts.save_draft, case_id, DISCLOSURE_DRAFT, content)

    def check_disclosure(
        self,
        case_id: str,
        offered: Iterable[str],
        *,
        recipient: Recipient,
        grounds: Grounds,
        fields: Iterable[str],
    ) -> None:
        """The core's own guards on a disclosure, recording nothing: every reason it would be refused
        (:class:`~csvc_core.sharing.Refused` or :class:`~csvc_core.sharing.Incomplete`)."""
        from csvc_core.store.access import member

        build_disclosure(
            id="-",
            case=case_id,
            at=datetime.now(UTC),
            discloser=member(self.session.actor),
            recipient=recipient,
            grounds=grounds,
            selection=FieldSelection(tuple(offered)).tick(*fields),
        )

    def disclose(
        self,
        case_id: str,
        *,
        recipient: Recipient,
        grounds: Grounds,
        fields: Iterable[str],
        recipient_org: str | None,
        form: str,
    ) -> str:
        """Record the disclosure: the store checks every guard again, writes it with its audit entry; then
        the form's draft is dropped, and no late save of that form brings it back."""
        session = self.session
        disclosure_id = session.run(
            disclosures.disclose,
            case_id,
            recipient=recipient,
            grounds=grounds,
            fields=list(fields),
            recipient_org=recipient_org,
        )
        with self._drafting:
            self._recorded.add(form)
            session.run(drafts.discard_draft, case_id, DISCLOSURE_DRAFT)
        return str(disclosure_id)

    def annotate(self, disclosure_id: str, text: str) -> None:
        self.session.run(disclosures.annotate_disclosure, disclosure_id, text)
