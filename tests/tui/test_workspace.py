"""The workspace once locked: a store thread still running refuses with one clear error, never a crash."""

from __future__ import annotations

from typing import Any

import pytest
from csvc_tui.text import _
from csvc_tui.workspace import Workspace

from csvc_core.errors import OperationFailed
from tests.support.constants import FAST_KDF, PASSPHRASE


def test_a_read_after_the_lock_is_refused_in_the_uis_language(store: Any, store_url: str) -> None:
    workspace = Workspace(store_url, environ={}, kdf=FAST_KDF)
    workspace.unlock("alice", PASSPHRASE)
    workspace.cases.new_case("Dossier verrouillé")
    assert [row.name for row in workspace.cases.case_rows(0, 10)] == ["Dossier verrouillé"]
    closing = workspace.begin_lock()  # the privacy key: the session is set aside at once
    for read in (
        lambda: workspace.cases.case_rows(0, 10),
        workspace.cases.followup,
        lambda: workspace.cases.new_case("x"),
    ):
        with pytest.raises(OperationFailed, match=_("error.locked")):
            read()
    workspace.lock(closing, [])


def test_a_draft_save_that_comes_after_the_grid_is_recorded_does_not_bring_the_draft_back(
    store: Any, store_url: str
) -> None:
    """The form saves its draft in a thread after each answer: one still running when the grid is confirmed
    must not leave a draft to resume on the case screen."""
    workspace = Workspace(store_url, environ={}, kdf=FAST_KDF)
    workspace.unlock("alice", PASSPHRASE)
    case_id = workspace.cases.new_case("Dossier brouillon")
    instrument = workspace.csvc.instrument("csvc-grid", workspace.sector)
    form = workspace.cases.form_for(case_id, instrument, "victim")
    form.answers["homicide_plan"] = "yes"
    workspace.cases.save_draft(case_id, form.draft())
    assert len(workspace.cases.case_view(case_id).drafts) == 1
    workspace.cases.record(case_id, "csvc-grid", form.payload(), accepted=[])
    workspace.cases.save_draft(case_id, form.draft())  # asked before the confirmation, run after it
    assert workspace.cases.case_view(case_id).drafts == ()
    again = workspace.cases.form_for(case_id, instrument, "victim")  # the next assessment of that grid
    assert again.answers == {}
    workspace.cases.save_draft(case_id, again.draft())
    assert len(workspace.cases.case_view(case_id).drafts) == 1
