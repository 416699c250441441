"""csvc_core — the framework of csvc: instruments as data, scoring, plugins, and the assessment pipeline.

Integrators::

    from csvc_core import Csvc
    result = Csvc.load().assess("csvc-grid", {"answers": {"separation": "yes"}})
    result.to_json()   # the result object of docs/interface.md

Plugin authors import one name: ``from csvc_core import hookimpl``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from csvc_core.markers import hookimpl

if TYPE_CHECKING:
    from csvc_core.framework import Csvc, assess

__all__ = ["Csvc", "assess", "hookimpl"]


def __getattr__(name: str) -> Any:
    if name in ("Csvc", "assess"):
        from csvc_core import framework

        return getattr(framework, name)
    raise AttributeError(name)
