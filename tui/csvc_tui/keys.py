"""Key bindings, each with an id (so a keymap can remap it), a description and a tooltip from the catalogue.

The keys themselves live in the catalogue too (``tui.keys.<id>``): French answers o/n/i, English y/n/u; and
so do the names a person reads for them (``tui.keyname.<key>``: ``enter`` is « Entrée », ``up`` is ↑).
"""

from __future__ import annotations

from textual.binding import Binding

from csvc_core.i18n import catalogue
from csvc_tui.text import _, language


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


def key_label(key: str) -> str:
    """``ctrl+q`` as a person reads it: ``Ctrl+Q``; ``enter`` « Entrée », ``slash`` /, ``f1`` F1, ``o`` o.
    A key the catalogue does not name (remapped in a keymap) is shown as Textual names it, in capitals."""
    names = catalogue(language())
    *modifiers, last = key.split("+")
    parts = [names.get(f"tui.keyname.{part}", part.capitalize()) for part in modifiers]
    shown = names.get(f"tui.keyname.{last}", last if len(last) == 1 and not modifiers else last.upper())
    return "+".join([*parts, shown])
