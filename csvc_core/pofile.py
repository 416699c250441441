"""A gettext ``.po`` file read with the standard library: the texts by msgid, plural forms, the plural rule.

csvc reads its catalogues from ``.po`` at run time (no compiled ``.mo`` to keep in step, no build step): this
reader takes what csvc's catalogues use (msgid, msgid_plural, msgstr, msgstr[n], multi-line strings, the
header's Plural-Forms) and skips what a translator leaves unfinished (empty or ``#, fuzzy`` entries).
"""

from __future__ import annotations

from pathlib import Path

import attrs

_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


@attrs.frozen
class PoFile:
    """``texts``: msgid → text (a plural entry's first form too); ``plurals``: msgid → every form;
    ``plural_rule``: the C expression of the header's Plural-Forms (``""`` when absent); ``empty``: the msgids
    left untranslated."""

    texts: dict[str, str]
    plurals: dict[str, tuple[str, ...]]
    plural_rule: str
    empty: tuple[str, ...]


def read_po(path: Path) -> PoFile:
    """The entries of ``path``; ``ValueError`` names the line that is not gettext."""
    texts: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    empty: list[str] = []
    header = ""
    entry: dict[str, str] = {}
    fuzzy = False
    field = ""

    def close() -> None:
        nonlocal header
        msgid = entry.get("msgid")
        if msgid == "":
            header = entry.get("msgstr", "")
        elif msgid is not None and not fuzzy:
            if "msgid_plural" in entry:
                forms = tuple(entry[name] for name in sorted(entry) if name.startswith("msgstr["))
                if forms and all(forms):
                    plurals[msgid] = forms
                    texts[msgid] = forms[0]
                else:
                    empty.append(msgid)
            elif entry.get("msgstr"):
                texts[msgid] = entry["msgstr"]
            else:
                empty.append(msgid)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if entry:
                close()
                entry, fuzzy, field = {}, False, ""
            fuzzy = fuzzy or (line.startswith("#,") and "fuzzy" in line)
            continue
        if line.startswith('"') and field:
            entry[field] += _unquote(line, path, number)
            continue
        field, _, value = line.partition(" ")
        if not (field in ("msgid", "msgid_plural", "msgctxt", "msgstr") or field.startswith("msgstr[")):
            raise ValueError(f"{path}:{number}: not a gettext line: {line[:40]!r}")
        if field in ("msgid", "msgctxt") and "msgstr" in "".join(entry):
            close()
            entry, fuzzy = {}, False
        entry[field] = _unquote(value.strip(), path, number)
    if entry:
        close()
    return PoFile(texts, plurals, _plural_rule(header), tuple(empty))


def _unquote(quoted: str, path: Path, number: int) -> str:
    if len(quoted) < 2 or quoted[0] != '"' or quoted[-1] != '"':
        raise ValueError(f"{path}:{number}: a quoted text is expected")
    text = quoted[1:-1]
    if "\\" not in text:
        return text
    out, chars = [], iter(text)
    for char in chars:
        out.append(_ESCAPES.get(next(chars, ""), "") if char == "\\" else char)
    return "".join(out)


def _plural_rule(header: str) -> str:
    for line in header.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "plural-forms":
            return value.split("plural=", 1)[-1].strip().rstrip(";").strip()
    return ""
