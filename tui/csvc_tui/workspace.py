"""What the screens may ask for, in one place: the framework (``Csvc``) and, once unlocked, a store session.

Every method may be slow (store, plugins): screens call them in their own thread workers (``WorkingScreen``),
never on a keypress. Nothing here scores, stores or decides: it calls the same service functions of
``csvc_core`` as the command line does, and shapes their records for the screens.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

from csvc_core.errors import OperationFailed
from csvc_core.framework import Csvc
from csvc_core.model import Instrument, Result
from csvc_tui.form import FormState
from csvc_tui.records import CaseRow
from csvc_tui.text import _, language

if TYPE_CHECKING:
    from datetime import datetime

    from csvc_core.casetools import CaseTool
    from csvc_core.store.casetools import ToolRecord
    from csvc_tui.cellwork import CellWork
    from csvc_tui.sharing import SharingWork

#: what the case screen decrypts when it opens (audited): never the safe-contact information.
CASE_VIEW_REVEALS = ("label", "names", "notes")


def draft_key(draft: Mapping[str, Any]) -> str:
    """A case's draft is one per instrument and protagonist."""
    return f"{draft['instrument']}:{draft['protagonist']}"


#: what a screen keeps when it is locked: the case, the draft's key, what was typed (the store encrypts it).
Draft = tuple[str, str, dict[str, Any]]


@runtime_checkable
class Drafting(Protocol):
    """A screen where a person types answers: what it holds survives a lock as her encrypted draft."""

    def draft_snapshot(self) -> Draft | None:
        """What to keep (None: nothing typed yet)."""


@attrs.frozen
class Reopened:
    """A screen open at the last lock, to reopen after unlocking: an assessment form with its draft, or a
    concertation request whose step resumes from its own draft."""

    case_id: str
    form: FormState | None = None
    concertation: str | None = None


@attrs.frozen
class DraftInfo:
    title: str
    instrument: str
    protagonist: str


@attrs.frozen
class CaseView:
    """A case as the case screen shows it: the store's record, where the level comes from, the drafts."""

    detail: Any
    holders: tuple[str, ...]
    drafts: tuple[DraftInfo, ...]


class Workspace:
    """The framework and the store session of one person at one terminal."""

    def __init__(
        self,
        store_url: str | None = None,
        *,
        user: str | None = None,
        csvc: Csvc | None = None,
        environ: Mapping[str, str] | None = None,
        kdf: Any = None,
    ) -> None:
        env = os.environ if environ is None else environ
        self.store_url = store_url
        self._csvc = csvc
        self.kdf = kdf  # argon2id cost of a store created here (None: the store's default)
        self.user_name: str | None = user or env.get("CSVC_USER") or None
        self._env_passphrase: str | None = env.get("CSVC_PASSPHRASE") or None
        self._env_unlock_offered = False
        self._lock = threading.RLock()
        self.session: Any = None
        self._resume: list[Reopened] = []
        self._open_at_lock: list[tuple[str, str]] = []  # (case, draft key) of the forms open at the last lock
        self._recorded: set[tuple[str, str]] = set()  # (case, draft key) recorded since its form was opened
        self._store: Any = None

    @cached_property
    def csvc(self) -> Csvc:
        return self._csvc if self._csvc is not None else Csvc.load()

    # -- the locked side -------------------------------------------------------------------------------------
    @property
    def store_display(self) -> str:
        from csvc_core.store.engine import resolve

        return resolve(self.store_url).display

    @property
    def unlocked(self) -> bool:
        return self.session is not None and not self.session.locked

    def begin_lock(self) -> Any:
        """Locked from now on: the session is set aside, to save the drafts and forget its key."""
        closing, self.session = self.session, None
        return closing

    def gate_state(self) -> tuple[bool, list[tuple[str, str]]]:
        """Whether the store exists, and the sectors to choose from when creating it (label, id)."""
        from csvc_core.store.engine import resolve

        location = resolve(self.store_url)
        exists = location.path is None or (location.path.exists() and location.path.stat().st_size > 0)
        if exists:  # the unlock form needs no plugin: it shows before they are loaded
            return True, []
        return exists, self.sector_choices()

    def sector_choices(self) -> list[tuple[str, str]]:
        """The sectors an organisation may be in, by name (label, id)."""
        from csvc_core.store.people import known_sectors

        sectors = self.csvc.sectors
        choices = [
            (sectors[s].name.get(language()) if s in sectors else _(f"sector.{s}"), s)
            for s in known_sectors(self.csvc)
        ]
        return sorted(choices)

    def create_store(self, org: str, sector: str, user: str, passphrase: str, role: str) -> None:
        """First run: create the store (organisation, sector, first user in ``role``) and open it as her."""
        from csvc_core.store.opening import init_store

        with self._lock:
            store = init_store(
                self.store_url,
                csvc=self.csvc,
                org=org,
                sector=sector,
                user=user,
                passphrase=passphrase,
                role=role,
                kdf=self.kdf,
            )
            self._open(store, user, passphrase)

    def take_environment_unlock(self) -> bool:
        """True once, at start, when CSVC_USER and CSVC_PASSPHRASE are both set."""
        offered = self._env_unlock_offered
        self._env_unlock_offered = True
        return not offered and bool(self.user_name and self._env_passphrase)

    def unlock_from_environment(self) -> None:
        assert self.user_name is not None and self._env_passphrase is not None
        self.unlock(self.user_name, self._env_passphrase)

    def unlock(self, user: str, passphrase: str) -> None:
        """Open the store as ``user``; a refusal is :class:`OperationFailed` (audited by the store)."""
        from csvc_core.store.opening import open_store

        with self._lock:
            store = self._store if self._store is not None else open_store(self.store_url, csvc=self.csvc)
            self._open(store, user, passphrase)

    def _open(self, store: Any, user: str, passphrase: str) -> None:
        session = store.unlock(user, passphrase)
        self._store = store
        self.session = session
        self.user_name = user
        self._resume = []
        from csvc_core.store.drafts import CONCERTATION_DRAFT

        for case_id, key in self._open_at_lock:
            if key.startswith(CONCERTATION_DRAFT):  # the request reads its step's draft when it opens
                self._resume.append(Reopened(case_id, concertation=key.removeprefix(CONCERTATION_DRAFT)))
                continue
            draft = session.draft(case_id, key)
            if draft is not None:
                instrument = self.csvc.instrument(draft["instrument"], self.sector)
                self._resume.append(Reopened(case_id, form=FormState.from_draft(instrument, draft)))
        self._open_at_lock = []

    def lock(self, closing: Any, drafts: list[Draft]) -> None:
        """Save what the screens open at the lock hold as drafts (encrypted, in the store), then forget the
        key."""
        with self._lock:
            if closing is None or closing.locked:
                return
            try:
                for case_id, key, draft in drafts:
                    closing.save_draft(case_id, key, draft)
                self._open_at_lock = [(case_id, key) for case_id, key, _draft in drafts]
            finally:
                closing.lock()

    def take_reopened(self) -> list[Reopened]:
        """The screens that were open at the last lock, to reopen after unlocking."""
        reopened, self._resume = self._resume, []
        return reopened

    @property
    def live(self) -> Any:
        """The open session. Locked meanwhile (privacy key, inactivity): :class:`OperationFailed`, an answer
        that the screen which asked, gone with the lock, never receives."""
        session = self.session
        if session is None:
            raise OperationFailed(_("error.locked"))
        return session

    @cached_property
    def cell(self) -> CellWork:
        """The concertation calls (rapid-intervention cell) of this workspace."""
        from csvc_tui.cellwork import CellWork

        return CellWork(self)

    # -- who is working --------------------------------------------------------------------------------------
    @property
    def sector(self) -> str | None:
        return self.session.actor.sector if self.session is not None else None

    @property
    def organisation(self) -> str:
        return self.session.actor.org_name if self.session is not None else ""

    # -- cases -----------------------------------------------------------------------------------------------
    def case_rows(self, offset: int, limit: int) -> list[CaseRow]:
        """A page of the user's cases with their labels (the store audits the read), newest first."""
        return [
            CaseRow(
                case_id=case.id,
                name=case.label or case.id,
                compromission=case.compromission,
                reassess_by=case.reassess_by,
                overdue=case.overdue,
                overdue_actions=case.overdue_actions,
            )
            for case in self.live.list_cases(limit=limit, offset=offset, reveal=True)
        ]

    def all_case_rows(self, offset: int, page: int) -> list[CaseRow]:
        """Every case from ``offset`` on, ``page`` at a time."""
        rows: list[CaseRow] = []
        while True:
            found = self.case_rows(offset + len(rows), page)
            rows.extend(found)
            if len(found) < page:
                return rows

    def followup(self) -> list[Any]:
        """The follow-up queue, most urgent first (the store's order)."""
        return list(self.live.followup())

    def new_case(self, label: str) -> str:
        return str(self.live.new_case(label))

    def case_view(self, case_id: str) -> CaseView:
        """The case with its label, people's names and notes (the store audits the read); safe-contact
        information stays sealed: :meth:`reveal_person` shows it field by field."""
        detail = self.live.case(case_id, reveal=CASE_VIEW_REVEALS)
        level = detail.level
        holders = tuple(
            _(
                "case.holder",
                sector=self.sector_name(r.sector),
                instrument=self.instrument_title(r.instrument),
                protagonist=_(f"protagonist.{r.protagonist}"),
                when=r.assessed_at.astimezone().strftime("%Y-%m-%d"),
            )
            for r in level.holders
        )
        drafts = tuple(
            DraftInfo(
                title=self.instrument_title(d["instrument"]),
                instrument=d["instrument"],
                protagonist=d["protagonist"],
            )
            for d in self.live.drafts(case_id)
            if "instrument" in d  # the sharing forms keep their own drafts (csvc_tui.sharing)
        )
        return CaseView(detail=detail, holders=holders, drafts=drafts)

    # -- people ----------------------------------------------------------------------------------------------
    def add_person(self, case_id: str, role: str, name: str) -> str:
        return str(self.live.add_protagonist(case_id, role, name=name.strip() or None))

    def update_person(self, person: Any, field: str, value: Any) -> None:
        """Change one field of a person: ``name``, a safe-contact field (the others kept), or a yes/no."""
        from csvc_core.store.records import CONTACT_FIELDS

        if field in CONTACT_FIELDS:
            if field == "channels":
                value = [part.strip() for part in str(value).split(",") if part.strip()]
            self.live.update_protagonist(person.id, person.version, contact_changes={field: value or None})
        else:
            self.live.update_protagonist(person.id, person.version, **{field: value})

    def reveal_person(self, person_id: str, fields: list[str]) -> dict[str, Any]:
        """Only ``fields`` of one person, decrypted (the store audits which)."""
        revealed: dict[str, Any] = self.live.reveal_protagonist(person_id, fields)
        return revealed

    def level_name(self, instrument_id: str, level_id: str | None) -> str:
        """An instrument's level by its name in the UI's language (its id if the instrument is gone)."""
        instrument = self.csvc.catalogue.instruments.get(instrument_id)
        level = instrument.level(level_id) if instrument is not None and level_id else None
        return level.label.get(language()) if level is not None else level_id or "—"

    def instrument_title(self, instrument_id: str) -> str:
        """An instrument by its title in the UI's language (its id if the instrument is gone)."""
        instrument = self.csvc.catalogue.instruments.get(instrument_id)
        return instrument.title.get(language()) if instrument else instrument_id

    def sector_name(self, sector: str) -> str:
        """A sector by its plugin's name in the UI's language, else the catalogue's; its id when neither
        knows it (its plugin is gone)."""
        from csvc_tui.sharing_words import word

        found = self.csvc.sectors.get(sector)
        return found.name.get(language()) if found is not None else word("sector", sector)

    # -- assessing -------------------------------------------------------------------------------------------
    def instruments(self) -> list[Instrument]:
        """The instruments of the user's sector, and the shared grid, as that sector asks them."""
        return self.csvc.instruments(self.sector)

    def form_for(self, case_id: str, instrument: Instrument, protagonist: str) -> FormState:
        """A new form, or the draft left for this case, instrument and protagonist."""
        key = f"{instrument.id}:{protagonist}"
        with self._lock:
            self._recorded.discard((case_id, key))
        draft = self.live.draft(case_id, key)
        if draft is not None:
            return FormState.from_draft(instrument, draft)
        return FormState(instrument, protagonist=protagonist)

    def save_draft(self, case_id: str, draft: dict[str, Any]) -> None:
        """Save what the form holds; a save that comes once its grid is recorded (a thread still running when
        she confirmed) is dropped: it would offer to resume a grid already recorded."""
        with self._lock:
            if self.unlocked and (case_id, draft_key(draft)) not in self._recorded:
                self.live.save_draft(case_id, draft_key(draft), draft)

    def preview(self, case_id: str, instrument_id: str, payload: Mapping[str, Any]) -> Result:
        """The result the store would record (same pipeline, the case's history), without recording it."""
        result: Result = self.live.preview(case_id, instrument_id, payload, source="tui")
        return result

    def record(
        self, case_id: str, instrument_id: str, payload: Mapping[str, Any], accepted: list[str]
    ) -> Any:
        """Store the confirmed assessment; actions the professional did not accept are closed as not done
        (those the case already had declined stay as they were)."""
        stored = self.live.assess(case_id, instrument_id, payload, source="tui")
        for action in stored.actions:
            if action.action not in accepted and not action.mandatory and action.status == "open":
                self.live.set_action_status(
                    action.id, "not_done", _("result.not_accepted"), expected_version=action.version
                )
        key = f"{instrument_id}:{payload.get('protagonist', 'victim')}"
        with self._lock:
            self._recorded.add((case_id, key))
            self.live.discard_draft(case_id, key)
        return stored

    # -- following up ----------------------------------------------------------------------------------------
    @property
    def action_statuses(self) -> tuple[str, ...]:
        from csvc_core.store.records import ACTION_STATUSES

        return ACTION_STATUSES

    @property
    def event_kinds(self) -> tuple[str, ...]:
        from csvc_core.store.records import EVENT_KINDS

        return EVENT_KINDS

    def set_action_status(self, action: Any, status: str, note: str) -> None:
        self.live.set_action_status(action.id, status, note or None, expected_version=action.version)

    def record_event(self, case_id: str, kind: str, note: str) -> None:
        self.live.record_event(case_id, kind, note=note or None)

    # -- case tools (a plugin's, e.g. the safety plan): csvc_tui.screens.tool -------------------------------
    def case_tools(self) -> list[CaseTool]:
        """The case tools the installed plugins offer to her sector, in their order."""
        return [tool for tool in self.csvc.case_tools.values() if tool.offered_to(self.sector)]

    def case_tool(self, case_id: str, tool_id: str) -> ToolRecord:
        return self.live.case_tool(case_id, tool_id)

    def save_case_tool(self, case_id: str, tool_id: str, content: dict[str, Any], seq: int) -> int:
        """Save what she typed, edited from version ``seq``; the new version."""
        return int(self.live.save_case_tool(case_id, tool_id, content, expected=seq))

    def print_tool(self, case_id: str, content: dict[str, Any], path: Path) -> None:
        """Her answers under a neutral title, written to ``path`` (atomic, mode 0600); the print audited."""
        from csvc_core.reports.plan import write_plan

        write_plan(path, content, lang=language())
        self.live.record_print(case_id, kind="plan", fmt="html", fields=["safety_plan"])

    def record_outcome(self, case_id: str, kind: str, source: str, occurred_at: datetime, note: str) -> None:
        self.live.record_outcome(case_id, kind, source, occurred_at, note or None)

    # -- sharing (consents, shares, disclosures): csvc_tui.sharing -------------------------------------------
    @cached_property
    def sharing(self) -> SharingWork:
        from csvc_tui.sharing import SharingWork

        return SharingWork(self)
