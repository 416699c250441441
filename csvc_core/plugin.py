"""The plugin API: everything a csvc plugin may import, from this one module.

``from csvc_core.plugin import hookimpl, Action, Text, ...``. Names outside this module are csvc's own and may
change between versions; these follow the stable interface (``docs/interface.md``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from csvc_core.action_specs import ActionSpec, acts_for, load_action_specs
from csvc_core.casetools import CaseTool, ToolField, ToolSection, ToolStatus
from csvc_core.errors import BadInput, OperationFailed
from csvc_core.events import CaseEvent
from csvc_core.i18n import register_catalogue, t
from csvc_core.markers import hookimpl
from csvc_core.model import (
    PROTAGONISTS,
    UNKNOWN,
    YES,
    Action,
    AnswerValue,
    AssessmentInput,
    Factor,
    Flag,
    Instrument,
    Item,
    Result,
    Score,
    Text,
)
from csvc_core.problems import Problem
from csvc_core.rules import CountRule, JudgementRule, ScoringRule, SumRule, TieredRule
from csvc_core.sectors import PARTNERSHIP, Adaptation, Sector

if TYPE_CHECKING:
    from csvc_core.cli.common import echo_json, json_option, lang_option
    from csvc_core.cli.storeopts import store_command, unlocked
    from csvc_core.converter import converter
    from csvc_core.inputfiles import PLAN_MAX_BYTES, read_json
    from csvc_core.jsonio import parse_datetime
    from csvc_core.store.casetools import read_tool, save_tool
    from csvc_core.store.records import ActionRecord, AssessmentSummary
    from csvc_core.testing import check_vignette, load_vignettes, plugin_problems, raises_worded

#: names imported on first use: command-line and file helpers (a plugin that adds no command never loads
#: them), the store's records and its case-tool calls (``session.run(read_tool, case_id, tool_id)``; the store
#: is loaded only where it is used) and the test kit (it needs pytest).
LAZY = {
    "echo_json": "csvc_core.cli.common",
    "json_option": "csvc_core.cli.common",
    "lang_option": "csvc_core.cli.common",
    "store_command": "csvc_core.cli.storeopts",
    "unlocked": "csvc_core.cli.storeopts",
    "converter": "csvc_core.converter",
    "PLAN_MAX_BYTES": "csvc_core.inputfiles",
    "read_json": "csvc_core.inputfiles",
    "parse_datetime": "csvc_core.jsonio",
    "ActionRecord": "csvc_core.store.records",
    "AssessmentSummary": "csvc_core.store.records",
    "read_tool": "csvc_core.store.casetools",
    "save_tool": "csvc_core.store.casetools",
    "check_vignette": "csvc_core.testing",
    "load_vignettes": "csvc_core.testing",
    "plugin_problems": "csvc_core.testing",
    "raises_worded": "csvc_core.testing",
}

__all__ = [
    "PARTNERSHIP",
    "PLAN_MAX_BYTES",
    "PROTAGONISTS",
    "UNKNOWN",
    "YES",
    "Action",
    "ActionRecord",
    "ActionSpec",
    "Adaptation",
    "AnswerValue",
    "AssessmentInput",
    "AssessmentSummary",
    "BadInput",
    "CaseEvent",
    "CaseTool",
    "CountRule",
    "Factor",
    "Flag",
    "Instrument",
    "Item",
    "JudgementRule",
    "OperationFailed",
    "Problem",
    "Result",
    "Score",
    "ScoringRule",
    "Sector",
    "SumRule",
    "Text",
    "TieredRule",
    "ToolField",
    "ToolSection",
    "ToolStatus",
    "acts_for",
    "check_vignette",
    "converter",
    "echo_json",
    "hookimpl",
    "json_option",
    "lang_option",
    "load_action_specs",
    "load_vignettes",
    "parse_datetime",
    "plugin_problems",
    "raises_worded",
    "read_json",
    "read_tool",
    "register_catalogue",
    "save_tool",
    "store_command",
    "t",
    "unlocked",
]


def __getattr__(name: str) -> Any:
    if name in LAZY:
        return getattr(importlib.import_module(LAZY[name]), name)
    raise AttributeError(name)
