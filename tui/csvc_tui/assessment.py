"""The assessment flow, its store work in workers of the screen that asks: the instrument and the protagonist
chosen over the case screen, the form's draft saved and its result previewed from the form, a level raised
with its reason and the result recorded from the result screen."""

from __future__ import annotations

from typing import Any

from csvc_core.errors import CsvcError
from csvc_tui.form import FormState
from csvc_tui.screens.ask import AskChoice, AskText
from csvc_tui.screens.form import FormScreen
from csvc_tui.screens.result import ResultScreen
from csvc_tui.screens.working import WorkingScreen
from csvc_tui.text import _, language


def form_title(state: FormState) -> str:
    return _(
        "form.title",
        title=state.instrument.title.get(language()),
        protagonist=_(f"protagonist.{state.protagonist}"),
    )


def open_form(owner: WorkingScreen[Any], case_id: str, state: FormState) -> None:
    """The form over ``owner`` (its case's screen): the draft it is left with (Esc) is saved in a worker of
    ``owner``, which stays when the form goes."""

    def left(draft: dict[str, Any] | None) -> None:
        if draft is not None:
            workspace = owner.csvc_app.workspace
            owner.background(
                lambda: workspace.cases.save_draft(case_id, draft), lambda _: None, group="draft"
            )

    owner.app.push_screen(FormScreen(state, form_title(state), case_id=case_id), left)


async def choose_instrument(screen: WorkingScreen[Any], case_id: str) -> None:
    """Instrument (those of the user's sector, and the shared grid), then protagonist, then the form: the
    questions awaited in turn, in a worker of ``screen``."""
    workspace = screen.csvc_app.workspace
    instruments = await screen.answer(workspace.instruments, group="plugins")
    if instruments is None:
        return
    choices = [(i.id, f"{i.title.get(language())} (v{i.version})") for i in instruments]
    instrument_id = await screen.ask(AskChoice(_("assess.instrument"), choices))
    if instrument_id is None:
        return
    instrument = {i.id: i for i in instruments}[instrument_id]
    protagonist = instrument.protagonists[0]
    if len(instrument.protagonists) > 1:
        people = [(p, _(f"protagonist.{p}")) for p in instrument.protagonists]
        person = await screen.ask(AskChoice(_("assess.protagonist"), people))
        if person is None:
            return
        protagonist = person
    state = await screen.answer(lambda: workspace.cases.form_for(case_id, instrument, protagonist))
    if state is not None:
        open_form(screen, case_id, state)


def save_draft(form: FormScreen) -> None:
    """Save the draft as it is now, once the answer is on screen: the store thread would otherwise compete
    with the screen update for the interpreter (a lock meanwhile saves the open forms itself)."""
    workspace = form.csvc_app.workspace
    case_id, draft = form.case_id, form.state.draft()
    form.call_after_refresh(
        form.background, lambda: workspace.cases.save_draft(case_id, draft), lambda _: None, group="draft"
    )


def show_result(form: FormScreen) -> None:
    """The result of the answers as they are, previewed (nothing recorded), over the form."""
    workspace = form.csvc_app.workspace
    case_id, instrument_id, payload = form.case_id, form.state.instrument.id, form.state.payload()
    form.background(
        lambda: workspace.cases.preview(case_id, instrument_id, payload),
        lambda result: form.app.push_screen(ResultScreen(result, workspace.csvc.vocabulary, form=form)),
    )


async def raise_level(screen: ResultScreen) -> None:
    """The levels she may choose, as the core allows them (never one below the computed level when the
    instrument forbids lowering it), then the reason: asked in turn, in a worker of the result screen."""
    from csvc_core.framework import allowed_levels
    from csvc_tui.widgets.level import level_text

    result, workspace = screen.result, screen.csvc_app.workspace
    allowed = allowed_levels(result.instrument, result.computed_level)
    levels = [
        (level.id, " ".join(level_text(result.instrument, level.id).plain.split())) for level in allowed
    ]
    prompt = _("result.raise_prompt")
    if len(allowed) < len(result.instrument.levels):
        prompt += "\n" + _("result.lowering_not_offered")
    level = await screen.ask(AskChoice(prompt, levels, result.computed_level))
    if level is None:
        return
    chosen = result.instrument.level(level)
    label = chosen.label.get(language()) if chosen else level
    reason = await screen.ask(AskText(_("result.reason_prompt", level=label)))
    if reason is None:
        return
    form = screen.form
    payload = {
        **form.state.payload(),
        "override": {"level": level, "reason": reason, "by": workspace.user_name},
    }

    def refused(error: CsvcError) -> None:
        message = _("error.bad_input", message=error.text(language()))
        screen.notify(message, severity="error", timeout=15, markup=False)

    screen.background(
        lambda: workspace.cases.preview(form.case_id, form.state.instrument.id, payload), screen.show, refused
    )


def record(screen: ResultScreen, actions: list[str]) -> None:
    """Record the confirmed result (raised, with its reason, when it was) and the accepted ``actions``; then
    back to the case, the result and the form closed."""
    form, result, workspace = screen.form, screen.result, screen.csvc_app.workspace
    payload = form.state.payload()
    if result.override is not None:
        override = result.override
        payload["override"] = {"level": override.level, "reason": override.reason, "by": override.by}
    payload["assessed_at"] = result.assessed_at.isoformat()
    case_id = form.case_id

    def recorded(_value: object) -> None:
        screen.app.pop_screen()
        screen.app.pop_screen()
        screen.app.notify(_("result.saved"))

    screen.background(
        lambda: workspace.cases.record(case_id, result.instrument.id, payload, actions), recorded
    )
