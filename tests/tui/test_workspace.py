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
    workspace.new_case("Dossier verrouillé")
    assert [row.name for row in workspace.case_rows(0, 10)] == ["Dossier verrouillé"]
    closing = workspace.begin_lock()  # the privacy key: the session is set aside at once
    for read in (lambda: workspace.case_rows(0, 10), workspace.followup, lambda: workspace.new_case("x")):
        with pytest.raises(OperationFailed, match=_("error.locked")):
            read()
    workspace.lock(closing, [])
