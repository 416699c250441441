"""The reports as PDF, drawn with fpdf2 from the same data the templates show (no HTML in between).

Every word comes from the catalogue, as in the HTML and Markdown reports. fpdf2's built-in Helvetica is
used, so no font file is embedded, looked up on the machine or downloaded. It holds the Windows-1252
characters: French, English and most Western European letters, ’ “ ” — … œ €. :func:`printable` turns any
other character into its nearest such text, in one place: → becomes ->, a letter keeps what it can of its
accents (ễ -> ê, Ł -> L), and a character with no Latin form prints as ``?`` — shown, never dropped.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from csvc_core.i18n import t
from csvc_core.reports import chart
from csvc_core.reports.rendering import day, when

ENCODING = "cp1252"  # what fpdf2's built-in fonts declare (WinAnsiEncoding)
#: characters with no Windows-1252 form and no accent to take off: their nearest printable text.
SUBSTITUTES = {
    "→": "->",
    "←": "<-",
    "≥": ">=",
    "≤": "<=",
    "≠": "!=",
    "−": "-",
    "\u2011": "-",  # non-breaking hyphen
    "\u202f": " ",  # narrow no-break space (French typography)
    "Ł": "L",
    "ł": "l",
    "Đ": "D",
    "đ": "d",
    "Ħ": "H",
    "ħ": "h",
    "ı": "i",
    "■": "#",
    "□": "-",
}
UNPRINTABLE = "?"
BOLD = FontFace(emphasis="BOLD")
HEADINGS = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
HIGHLIGHT = FontFace(fill_color=(255, 243, 205))  # a level raised by a professional, as in the HTML
OVERDUE = FontFace(emphasis="BOLD", color=(170, 0, 0))
Cell = str | tuple[str, FontFace | None]


def printable(text: str) -> str:
    """``text`` in characters the built-in fonts hold (see the module's docstring). Only what nobody sees
    goes: an invisible format mark (zero-width space, byte-order mark), or an accent that its letter cannot
    take; a control character other than a line break becomes a space."""
    printed: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        kind = unicodedata.category(char)
        if kind == "Cc" and char != "\n":
            printed.append(" ")
        elif kind == "Cf" or (unicodedata.combining(char) and printed and not _encodable(char)):
            continue
        else:
            printed.append(_printable(char))
    return "".join(printed)


def _encodable(text: str) -> bool:
    try:
        text.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def _printable(char: str) -> str:
    if _encodable(char):
        return char
    if char in SUBSTITUTES:
        return SUBSTITUTES[char]
    decomposed = unicodedata.normalize("NFKD", char)
    while decomposed:  # accents off from the outermost in, until the letter prints: ễ -> ê, ﬁ -> fi
        candidate = unicodedata.normalize("NFC", decomposed)
        if candidate != char and _encodable(candidate):
            return candidate
        if not unicodedata.combining(decomposed[-1]):
            break
        decomposed = decomposed[:-1]
    return UNPRINTABLE


class Document(FPDF):
    """A Letter page (the paper of Québec offices) in Helvetica; every text goes through :func:`printable`.

    The metadata holds ``title`` and, when given, ``author`` and ``creator``; nothing else (no producer).
    """

    def __init__(
        self, lang: str, title: str, *, author: str = "", creator: str = "", size: float = 10
    ) -> None:
        super().__init__(format="letter")
        self.core_fonts_encoding = ENCODING
        self.size = size
        self.set_lang(lang)
        self.set_title(title)
        self.set_author(author)
        self.set_subject("")
        self.set_creator(creator)
        self.set_producer("")
        self.set_margins(18, 16)
        self.set_auto_page_break(True, 18)
        self.add_page()
        self.set_font("helvetica", size=size)

    def normalize_text(self, text: str) -> str:
        return super().normalize_text(printable(text))

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font("helvetica", size=8)
        self.cell(0, 5, f"{self.page_no()}/{{nb}}", align="C")

    def heading(self, text: str, level: int = 1) -> None:
        size = {1: 16, 2: 13, 3: 11}[level] * self.size / 10
        if level > 1:
            self.ln(2)
        self.paragraph(text, style=BOLD, size=size)

    def paragraph(self, text: str, *, style: FontFace | None = None, size: float | None = None) -> None:
        size = size or self.size
        with self.use_font_face(style or FontFace()):
            self.set_font_size(size)
            self.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_font_size(self.size)
        self.ln(1)

    def bullets(self, items: Iterable[str]) -> None:
        for item in items:
            self.set_x(self.l_margin + 3)
            self.multi_cell(0, self.size * 0.5, f"• {item}", align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def grid(
        self,
        rows: Sequence[Sequence[Cell]],
        *,
        headings: Sequence[str] = (),
        widths: Sequence[float] | None = None,
        row_styles: Sequence[FontFace | None] = (),
    ) -> None:
        """A table; a cell is its text or (text, style); ``row_styles`` shade whole rows."""
        with self.table(
            col_widths=tuple(widths) if widths else None,
            first_row_as_headings=bool(headings),
            headings_style=HEADINGS,
            text_align="LEFT",
            v_align="TOP",
            line_height=self.size * 0.5,
            padding=1,
        ) as table:
            if headings:
                heading_row = table.row()
                for text in headings:
                    heading_row.cell(text)
            for index, cells in enumerate(rows):
                row = table.row(style=row_styles[index] if index < len(row_styles) else None)
                for cell in cells:
                    text, style = cell if isinstance(cell, tuple) else (cell, None)
                    row.cell(text, style=style)
        self.ln(2)

    def facts(self, pairs: Sequence[tuple[str, str]], row_styles: Sequence[FontFace | None] = ()) -> None:
        """A two-column table of a label (bold) and its value."""
        self.grid([((label, BOLD), value) for label, value in pairs], widths=(1, 2), row_styles=row_styles)

    def trend(self, points: Sequence[chart.Point], scale: Sequence[str]) -> None:
        """The levels over time: the HTML chart's geometry (:mod:`.chart`) fitted to the page."""
        ordered, start, span, series = chart.frame(points)
        unit = self.epw / chart.WIDTH
        if self.get_y() + chart.height(len(series)) * unit > self.page_break_trigger:
            self.add_page()
        left, top = self.l_margin, self.get_y()

        def x(value: float) -> float:
            return left + value * unit

        def y(value: float) -> float:
            return top + value * unit

        def write(at_x: float, at_y: float, text: str, px: float, anchor: str = "start") -> None:
            self.set_font_size(px * unit * 72 / 25.4)
            width = self.get_string_width(text)
            self.text(at_x - {"start": 0, "middle": width / 2, "end": width}[anchor], at_y, text)

        with self.local_context(
            draw_color=(204, 204, 204), line_width=0.2, dash_pattern={"dash": 1, "gap": 1}
        ):
            for rank in range(1, len(scale) + 1):
                self.line(
                    x(chart.LEFT), y(chart.y_at(rank)), x(chart.WIDTH - chart.RIGHT), y(chart.y_at(rank))
                )
        for rank, name in enumerate(scale, start=1):
            write(x(chart.LEFT - 8), y(chart.y_at(rank) + 4), f"{rank} {name}", 12, "end")
        for at in dict.fromkeys(p.at for p in (ordered[:1] + ordered[-1:])):
            write(x(chart.x_at(at, start, span)), y(chart.PLOT_BOTTOM + 22), f"{at:%Y-%m-%d}", 11, "middle")
        for index, name in enumerate(series):
            colour = chart.PALETTE[index % len(chart.PALETTE)]
            mine = [
                (x(chart.x_at(p.at, start, span)), y(chart.y_at(p.compromission)))
                for p in ordered
                if p.series == name
            ]
            with self.local_context(draw_color=colour, fill_color=colour, line_width=2 * unit):
                if len(mine) > 1:
                    self.polyline(mine, style="D")
                for cx, cy in mine:
                    self.circle(cx, cy, 5 * unit, style="F")
                legend_x, legend_y = chart.legend_at(index)
                self.rect(x(legend_x), y(legend_y - 9), 10 * unit, 10 * unit, style="F")
            write(x(legend_x + 15), y(legend_y), name, 11)
        self.set_font_size(self.size)
        self.set_y(top + chart.height(len(series)) * unit + 3)

    def to_bytes(self) -> bytes:
        return bytes(self.output())


def case_pdf(context: Mapping[str, Any]) -> bytes:
    """The case report (:func:`csvc_core.reports.casefile.case_report_context`) as PDF."""
    lang, case, level = context["lang"], context["case"], context["level"]

    def word(key: str, **values: Any) -> str:
        return t(f"report.{key}", lang, **values)

    title = word("case_title", id=case["id"])
    doc = Document(lang, title, author=context["generated_by"], creator="csvc")
    doc.paragraph(word("confidential"), style=BOLD)
    doc.heading(title)
    facts = [(word("label"), case["label"])] if case["label"] else []
    facts += [
        (word("organisation"), case["organisation"] or ""),
        (word("case_status"), case["status"]),
        (word("opened"), when(case["created_at"], lang)),
        (word("generated"), f"{when(context['generated_at'], lang)} — {context['generated_by']}"),
    ]
    doc.facts(facts)
    doc.heading(word("current_level"), 2)
    doc.paragraph(level["compromission"], style=BOLD)
    overdue = f" — {word('overdue')}" if level["overdue"] else ""
    doc.paragraph(
        f"{word('reassess_case')}{word('colon')}{when(level['reassess_by'], lang)}{overdue}",
        style=OVERDUE if level["overdue"] else None,
    )
    doc.heading(word("trend"), 2)
    if context["trend"]:
        doc.trend(
            [chart.Point(p["at"], p["compromission"], p["sector"]) for p in context["trend"]],
            context["scale"],
        )
        doc.grid(
            [(when(p["at"], lang), p["sector"], f"{p['compromission']}/4") for p in context["trend"]],
            headings=(word("date"), word("sector"), word("compromission")),
        )
    else:
        doc.paragraph(word("no_assessment"))
    doc.heading(word("assessments"), 2)
    for assessment in context["assessments"]:
        _assessment(doc, assessment, lang)
    if not context["assessments"]:
        doc.paragraph(word("no_assessment"))
    doc.heading(word("actions"), 2)
    if context["actions"]:
        doc.grid(
            [_action_row(action, lang) for action in context["actions"]],
            headings=(word("action"), word("sector"), word("due"), word("status"), word("history")),
            widths=(3, 2, 2, 1.5, 3),
        )
    else:
        doc.paragraph(word("no_actions"))
    if context["events"]:
        doc.heading(word("events"), 2)
        doc.bullets(
            f"{when(e['occurred_at'], lang)} — {e['kind']}"
            + (f" — {word('event_open')}" if e["open"] else "")
            for e in context["events"]
        )
    doc.paragraph(word("footer"), size=8)
    return doc.to_bytes()


def _assessment(doc: Document, a: Mapping[str, Any], lang: str) -> None:
    def word(key: str) -> str:
        return t(f"report.{key}", lang)

    doc.heading(f"{when(a['assessed_at'], lang)} — {a['sector']} — {a['instrument']} (v{a['version']})", 3)
    computed = a["computed_level"]
    if a["score"] is not None:
        computed += f" ({word('score')} {a['score']})"
    complete = word("yes") if a["complete"] else word("no")
    if a["missing"]:
        complete += f" — {word('missing')} {' ; '.join(a['missing'])}"
    pairs = [
        (word("protagonist"), a["protagonist"]),
        (word("computed_level"), computed),
        *([(word("explanation"), " ".join(a["explanation"]))] if a["explanation"] else []),
        (word("final_level"), f"{a['level']} ({word('compromission').lower()} {a['compromission']})"),
    ]
    styles: list[FontFace | None] = [None] * (len(pairs) - 1)
    styles.append(HIGHLIGHT if a["overridden"] else None)
    if a["override"]:
        by = f" ({a['override']['by']})" if a["override"].get("by") else ""
        pairs.append((word("override"), f"{a['override']['reason']}{by}"))
        styles.append(HIGHLIGHT)
    pairs += [
        (word("confirmed_by"), a["by"] or ""),
        (word("standing"), a["standing"]),
        (word("reassess_by"), when(a["reassess_by"], lang)),
        (word("complete"), complete),
    ]
    doc.facts(pairs, row_styles=styles)
    if a["factors"]:
        doc.paragraph(word("factors"))
        doc.bullets(
            f"{f['item']} ({f['factor']}" + (f", +{f['contribution']}" if f["contribution"] else "") + ")"
            for f in a["factors"]
        )
    else:
        doc.paragraph(word("no_factors"))
    if a["flags"]:
        doc.paragraph(word("flags"))
        doc.bullets(f["label"] + (f" — {' ; '.join(f['about'])}" if f["about"] else "") for f in a["flags"])


def _action_row(action: Mapping[str, Any], lang: str) -> tuple[Cell, ...]:
    mandatory = f" ({t('report.mandatory', lang)})" if action["mandatory"] else ""
    due = when(action["due"], lang)
    history = "\n".join(
        f"{when(change['at'], lang)} {change['status']}"
        + (f" ({change['by']})" if change["by"] else "")
        + (f" — {t('report.note', lang)} {change['note']}" if change.get("note") else "")
        for change in action["history"]
    )
    return (
        f"{action['label']}{mandatory}",
        action["sector"],
        (f"{due} — {t('report.overdue', lang)}", OVERDUE) if action["overdue"] else due,
        action["status"],
        history,
    )


def concertation_pdf(context: Mapping[str, Any]) -> bytes:
    """The concertation summary (:func:`csvc_core.reports.concertation.concertation_context`), its minimum."""
    lang = context["lang"]

    def word(key: str, **values: Any) -> str:
        return t(f"report.{key}", lang, **values)

    title = word("concertation.title", id=context["case_id"])
    doc = Document(lang, title, creator="csvc")
    doc.paragraph(word("concertation.minimum"), style=BOLD)
    doc.heading(title)
    since = f" — {word('concertation.since')} {day(context['since'], lang)}" if context["since"] else ""
    doc.paragraph(f"{word('current_level')}{word('colon')}{context['level']}{since}", style=BOLD)
    doc.heading(word("concertation.criteria"), 2)
    doc.bullets(context["criteria"] or [word("none")])
    doc.heading(word("concertation.factors"), 2)
    doc.bullets(context["factors"] or [word("none")])
    doc.paragraph(f"{word('concertation.sectors')}{word('colon')}{', '.join(context['sectors'])}")
    doc.heading(word("concertation.open_actions"), 2)
    if context["actions"]:
        rows: list[tuple[Cell, ...]] = []
        for action in context["actions"]:
            due = when(action["due"], lang)
            overdue: Cell = (f"{due} — {word('overdue')}", OVERDUE) if action["overdue"] else due
            rows.append((action["label"], action["sector"], overdue))
        doc.grid(rows, headings=(word("action"), word("sector"), word("due")))
    else:
        doc.paragraph(word("no_actions"))
    for request in context["cell"]:
        doc.heading(f"{word('concertation.cell')} — {request['state']}", 2)
        doc.paragraph(f"{word('concertation.cell_criteria')}{word('colon')}{', '.join(request['criteria'])}")
        if request["actions"]:
            doc.grid(
                [
                    (a["description"], a["owner"], when(a["due"], lang), a["status"])
                    for a in request["actions"]
                ],
                headings=(word("concertation.plan"), word("concertation.owner"), word("due"), word("status")),
            )
    doc.paragraph(f"{word('reassess_case')}{word('colon')}{when(context['reassess_by'], lang)}")
    doc.paragraph(f"{word('generated')}{word('colon')}{when(context['generated_at'], lang)}", size=8)
    return doc.to_bytes()


def plan_pdf(context: Mapping[str, Any]) -> bytes:
    """Her printable plan (:func:`csvc_core.reports.plan.plan_context`): the neutral title, her answers,
    nothing else — no author, subject, creator or producer in the file's metadata either."""
    lang = context["lang"]
    title = t("report.plan.title", lang)
    doc = Document(lang, title, size=12)
    doc.heading(title)
    for section in context["sections"]:
        doc.heading(section["heading"], 2)
        doc.bullets(section["answers"])
    if not context["sections"]:
        doc.paragraph(t("report.plan.empty", lang))
    if context["review_by"]:
        doc.paragraph(
            f"{t('report.plan.review', lang)}{t('report.colon', lang)}{day(context['review_by'], lang)}"
        )
    return doc.to_bytes()


#: the PDF of each kind of report, from the context its templates take.
BUILDERS = {"case": case_pdf, "concertation": concertation_pdf, "plan": plan_pdf}
