"""Key bindings, each with an id (so a keymap can remap it), a description and a tooltip from the catalogue.

The keys themselves live in the catalogue too (``tui.keys.<id>``): French answers o/n/i, English y/n/u.
"""

from __future__ import annotations

from textual.binding import Binding

from csvc_tui.text import _


def bind(
    binding_id: str, action: str, *, show: bool = True, priority: bool = False, variant: str | None = None
) -> Binding:
    """The binding ``binding_id``: keys ``tui.keys.<id>``, label ``tui.binding.<id>``, tooltip
    ``tui.tooltip.<id>``. ``variant`` makes one binding of a family (the digit 7 of ``answer_digit``): its key
    is the variant, its id ``<id>_<variant>``.
    """
    return Binding(
        variant if variant is not None else _(f"keys.{binding_id}"),
        action,
        _(f"binding.{binding_id}"),
        show=show,
        priority=priority,
        tooltip=_(f"tooltip.{binding_id}"),
        id=binding_id if variant is None else f"{binding_id}_{variant}",
    )
