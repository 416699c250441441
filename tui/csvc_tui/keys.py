"""Key bindings, each with an id (so a keymap can remap it), a label and a tooltip from the catalogue, read in
the chosen language when they are shown: the language may be chosen after the screens are imported.

The keys themselves live in the catalogue too (``tui.keys.<id>``): French answers o/n/i, English y/n/u. The
classes bind the French keys; another language's keys are a keymap (:func:`language_keymap`) that the app sets
under the person's own, as Textual applies any keymap. The names a person reads for keys are in the catalogue
as well (``tui.keyname.<key>``: ``enter`` is « Entrée », ``up`` is ↑).
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.binding import ActiveBinding, Binding
from textual.dom import DOMNode

from csvc_core.i18n import DEFAULT_LANGUAGE, catalogue, t
from csvc_tui.text import _, language

KEYS = "tui.keys."


def bind(
    binding_id: str, action: str, *, show: bool = True, priority: bool = False, variant: str | None = None
) -> Binding:
    """The binding ``binding_id``: French keys ``tui.keys.<id>``, label ``tui.binding.<id>`` and tooltip
    ``tui.tooltip.<id>`` (see :func:`binding_label`). ``variant`` makes one binding of a family (the digit 7
    of ``answer_digit``): its key is the variant, its id ``<id>_<variant>``.

    The description holds ``binding_id`` rather than a text (a binding without one is never shown): the text
    is read by :func:`binding_label` when it is shown, in the language chosen by then.
    """
    return Binding(
        variant if variant is not None else t(f"{KEYS}{binding_id}", DEFAULT_LANGUAGE),
        action,
        binding_id,
        show=show,
        priority=priority,
        id=binding_id if variant is None else f"{binding_id}_{variant}",
    )


def binding_label(binding: Binding) -> str:
    """What a binding does, in the chosen language; Textual's own bindings (no id) keep their description."""
    return binding.description if binding.id is None else _(f"binding.{binding.description}")


def binding_tooltip(binding: Binding) -> str:
    """A binding's tooltip, in the chosen language (Textual's own: as Textual wrote it)."""
    return binding.tooltip if binding.id is None else _(f"tooltip.{binding.description}")


def language_keymap() -> dict[str, str]:
    """The chosen language's keys that are not the French ones the classes bind: binding id → keys, a
    keymap for :meth:`textual.app.App.set_keymap` (empty in French; a language lacking a key keeps the
    French one)."""
    lang = language()
    if lang == DEFAULT_LANGUAGE:
        return {}
    french, chosen = catalogue(DEFAULT_LANGUAGE), catalogue(lang)
    return {
        key.removeprefix(KEYS): keys
        for key, keys in chosen.items()
        if key.startswith(KEYS) and keys != french.get(key)
    }


def in_declared_order(active: Mapping[str, ActiveBinding]) -> list[tuple[str, ActiveBinding]]:
    """A screen's ``active_bindings`` (key → binding) in the order the classes declare them, the focused
    widget's first and the app's last, as Textual lists them without a keymap. A keymap (the language's
    keys) moves each binding it remaps after the others: the bar, the help and the palette keep the order
    declared."""
    declared: dict[int, dict[str, tuple[int, list[str]]]] = {}

    def order_of(node: DOMNode) -> dict[str, tuple[int, list[str]]]:
        """The node's bindings as its classes declare them (base classes first, as Textual merges them):
        binding id (or key) → its place and its keys as written, before any keymap."""
        if id(node) not in declared:
            order: dict[str, tuple[int, list[str]]] = {}
            for cls in reversed(type(node).__mro__):
                for binding in cls.__dict__.get("BINDINGS", ()):
                    written = binding.key if isinstance(binding, Binding) else binding[0]
                    keys = [key.strip() for key in written.split(",")]
                    ident = binding.id if isinstance(binding, Binding) and binding.id else keys[0]
                    order.setdefault(ident, (len(order), keys))
            declared[id(node)] = order
        return declared[id(node)]

    def rank(item: tuple[str, ActiveBinding]) -> tuple[int, int, int]:
        key, active_binding = item
        order = order_of(active_binding.node)
        place, keys = order.get(active_binding.binding.id or key, (len(order), []))
        return -len(active_binding.node.ancestors), place, keys.index(key) if key in keys else len(keys)

    return sorted(active.items(), key=rank)


def key_label(key: str) -> str:
    """``ctrl+q`` as a person reads it: ``Ctrl+Q``; ``enter`` « Entrée », ``slash`` /, ``f1`` F1, ``o`` o.
    A key the catalogue does not name (remapped in a keymap) is shown as Textual names it, in capitals."""
    names = catalogue(language())
    *modifiers, last = key.split("+")
    parts = [names.get(f"tui.keyname.{part}", part.capitalize()) for part in modifiers]
    shown = names.get(f"tui.keyname.{last}", last if len(last) == 1 and not modifiers else last.upper())
    return "+".join([*parts, shown])
