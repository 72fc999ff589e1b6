"""Build the PDF summary: result + questionnaire + header + options -> bytes (reportlab).

Every piece of text that came from a person or from data is escaped before it reaches
reportlab's Paragraph markup, so hostile text prints as text and cannot change the layout.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape

import yaml
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from report import fonts
from scoring import Item, Questionnaire, ScreeningResult

Variant = Literal["clinician", "patient"]
PAIN_ITEMS = ("pain_location", "pain_duration", "pain_intensity", "inciting_event", "pain_disproportionate")
SLEEP_MOOD_ITEMS = ("sleep_problems", "mood_low")
_LONG_WORD = re.compile(r"(\S{40})(?=\S)")


@dataclass(frozen=True)
class SummaryHeader:
    """Facts about the submission that are not in the result."""

    reference: str
    submitted_at: datetime
    language: str
    status: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class SummaryOptions:
    """How to build it: which copy, the clinic's name and address, and when."""

    variant: Variant = "clinician"
    clinic_name: str = ""
    clinic_address: str = ""
    generated_at: datetime | None = None


def summary_filename(reference: str, variant: str) -> str:
    """No patient data in the name beyond the reference code."""
    safe = re.sub(r"[^A-Za-z0-9-]", "", reference)
    return f"crps-screen-{safe}-{'clinician' if variant == 'clinician' else 'patient'}.pdf"


def build_summary(
    result: ScreeningResult, questionnaire: Questionnaire, header: SummaryHeader, options: SummaryOptions
) -> bytes:
    """The summary as PDF bytes; the clinician copy in English, the patient copy in their language."""
    fonts.register()
    language = "en" if options.variant == "clinician" else _language(header.language, questionnaire)
    words = _strings()[language]
    generated = (options.generated_at or datetime.now(UTC)).astimezone(UTC)
    footer = f"{words['reference']} {header.reference} · {words['generated']} {generated:%Y-%m-%d %H:%M} UTC"
    builder = _Sections(result, questionnaire, header, options, language, words)
    story = builder.clinician() if options.variant == "clinician" else builder.patient()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=LETTER, leftMargin=0.8 * inch, rightMargin=0.8 * inch,
        topMargin=0.7 * inch, bottomMargin=0.8 * inch,
        title=words["title"] if options.variant == "clinician" else words["patient_title"],
        subject=f"{words['reference']} {header.reference}",
        author=options.clinic_name or "CRPS symptom screen",
        creator="crps-screen",
    )
    document.build(story, canvasmaker=_numbered_canvas(footer, words["page"]))
    return buffer.getvalue()


# -- wording ----------------------------------------------------------------------------------


@cache
def _strings() -> dict[str, dict[str, Any]]:
    loaded = yaml.safe_load((Path(__file__).parent / "strings.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _language(language: str, questionnaire: Questionnaire) -> str:
    return str(language) if language in questionnaire.languages and language in _strings() else "en"


def _text(value: str) -> str:
    """Data or a person's words made safe for Paragraph markup; very long words broken."""
    return escape(_LONG_WORD.sub(r"\1 ", value)).replace("\n", "<br/>")


# -- styles -----------------------------------------------------------------------------------

_BASE = ParagraphStyle("base", fontName=fonts.REGULAR, fontSize=10, leading=13)
_SMALL = ParagraphStyle("small", parent=_BASE, fontSize=8.5, leading=11)
_TITLE = ParagraphStyle("title", parent=_BASE, fontName=fonts.BOLD, fontSize=17, leading=21, spaceAfter=4)
_HEADING = ParagraphStyle("heading", parent=_BASE, fontName=fonts.BOLD, fontSize=12, leading=15,
                          spaceBefore=10, spaceAfter=4)
_BOX = ParagraphStyle("box", parent=_BASE, fontSize=11, leading=14)
_URGENT = ParagraphStyle("urgent", parent=_BASE, fontName=fonts.BOLD, fontSize=15, leading=19)
_GRID = TableStyle([
    ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
    ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
])
_WIDTH = LETTER[0] - 1.6 * inch


def _paragraph(text: str, style: ParagraphStyle = _BASE) -> Paragraph:
    return Paragraph(_text(text), style)


def _boxed(flowables: list[Flowable], border: float, background: colors.Color | None = None) -> Table:
    box = Table([[flowables]], colWidths=[_WIDTH])
    style = [("BOX", (0, 0), (-1, -1), border, colors.black), ("LEFTPADDING", (0, 0), (-1, -1), 10),
             ("RIGHTPADDING", (0, 0), (-1, -1), 10), ("TOPPADDING", (0, 0), (-1, -1), 8),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]
    if background is not None:
        style.append(("BACKGROUND", (0, 0), (-1, -1), background))
    box.setStyle(TableStyle(style))
    return box


def _table(rows: list[list[str]], widths: list[float]) -> Table:
    cells = [[_paragraph(cell, _SMALL) for cell in row] for row in rows]
    table = Table(cells, colWidths=[w * _WIDTH for w in widths], repeatRows=1)
    table.setStyle(_GRID)
    return table


class _Sections:
    """The document's parts, in the chosen language."""

    def __init__(
        self, result: ScreeningResult, questionnaire: Questionnaire, header: SummaryHeader,
        options: SummaryOptions, language: str, words: dict[str, Any],
    ) -> None:
        self.result, self.questionnaire, self.header = result, questionnaire, header
        self.options, self.language, self.words = options, language, words

    # -- the two copies ---------------------------------------------------------------------

    def clinician(self) -> list[Flowable]:
        story = [*self.clinic(), _paragraph(self.words["title"], _TITLE), self.facts(clinician=True), Spacer(1, 8)]
        story += self.urgent_banner()
        story += self.outcome()
        story += self.categories()
        story += self.section(self.words["pain"], PAIN_ITEMS)
        story += self.section(self.words["sleep_mood"], SLEEP_MOOD_ITEMS)
        if self.header.note:
            story += [_paragraph(self.words["note"], _HEADING), _paragraph(self.header.note)]
        story += self.all_answers(self.words["answers"])
        return story

    def patient(self) -> list[Flowable]:
        messages = self.questionnaire.messages
        story = [*self.clinic(), _paragraph(self.words["patient_title"], _TITLE), self.facts(clinician=False),
                 Spacer(1, 8)]
        if self.result.urgent:
            story.append(_boxed([
                _paragraph(self.words["patient_urgent_title"], _URGENT),
                _paragraph(messages["urgent_tell_staff"][self.language], _BOX),
                _paragraph(messages["crisis_line"][self.language], _BOX),
            ], border=3))
            story.append(Spacer(1, 8))
        tier = self.questionnaire.tier(self.result.tier)
        story.append(_boxed([
            _paragraph(tier.message[self.language], _BOX),
            _paragraph(messages["not_a_diagnosis"][self.language], _BOX),
        ], border=1.2))
        story += [_paragraph(self.words["next_steps"], _HEADING), _paragraph(self.words["next_steps_text"])]
        story += self.all_answers(self.words["patient_answers"])
        return story

    # -- parts ------------------------------------------------------------------------------

    def clinic(self) -> list[Flowable]:
        lines = [line for line in (self.options.clinic_name, self.options.clinic_address) if line.strip()]
        return [_paragraph("\n".join(lines), _SMALL), Spacer(1, 4)] if lines else []

    def facts(self, *, clinician: bool) -> Table:
        words, header = self.words, self.header
        language = words["language_names"].get(header.language, header.language)
        rows = [
            [words["reference"], header.reference],
            [words["submitted"], f"{header.submitted_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"],
            [words["language"], language],
        ]
        if clinician:
            rows.append([words["questionnaire"], f"{self.result.questionnaire_id}, version "
                         f"{self.result.questionnaire_version}"])
            if header.status:
                rows.append([words["status"], header.status])
        table = Table([[_paragraph(k, _SMALL), _paragraph(v)] for k, v in rows], colWidths=[1.6 * inch, None])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
        return table

    def urgent_banner(self) -> list[Flowable]:
        """Impossible to miss in print or grey scale: a thick black box and large bold words."""
        if not self.result.urgent:
            return []
        flags = []
        for item_id in self.result.red_flags:
            item = self.questionnaire.items_by_id.get(item_id)
            concern = item.red_flag.concern["en"] if item is not None and item.red_flag else ""
            flags.append(_paragraph(f"• {item.short['en'] if item else item_id}: {concern}", _BOX))
        banner = [_paragraph(self.words["urgent_title"], _URGENT), _paragraph(self.words["red_flags"], _BOX), *flags]
        return [_boxed(banner, border=4, background=colors.Color(0.92, 0.92, 0.92)), Spacer(1, 8)]

    def outcome(self) -> list[Flowable]:
        tier = self.questionnaire.tier(self.result.tier)
        box = _boxed([
            _paragraph(self.words["suggestion"].format(tier=tier.label["en"]), _HEADING),
            _paragraph(self.words["disclaimer"], _BOX),
        ], border=1.5)
        return [_paragraph(self.words["outcome"], _HEADING), box]

    def categories(self) -> list[Flowable]:
        rows = [[self.words["category"], self.words["met"], self.words["which"]]]
        counts: list[int] = []
        labels: list[str] = []
        for finding in self.result.findings:
            category = next((c for c in self.questionnaire.categories if c.id == finding.category), None)
            label = category.label["en"] if category else finding.category
            shorts = [self.item_short(item_id) for item_id in finding.items]
            rows.append([label, self.words["yes" if finding.met else "no"], ", ".join(shorts) or "—"])
            counts.append(len(finding.items))
            labels.append(label)
        return [_paragraph(self.words["categories"], _HEADING), _table(rows, [0.32, 0.14, 0.54]),
                Spacer(1, 6), KeepTogether([self.chart(labels, counts)])]

    def chart(self, labels: list[str], counts: list[int]) -> Drawing:
        """Yes answers per symptom group: a picture reads faster than the table."""
        height = 30 + 22 * len(labels)
        drawing = Drawing(_WIDTH, height)
        chart = HorizontalBarChart()
        chart.x, chart.y, chart.width, chart.height = 2.2 * inch, 10, _WIDTH - 2.6 * inch, height - 30
        chart.data = [list(reversed(counts)) or [0]]
        chart.categoryAxis.categoryNames = list(reversed(labels)) or [""]
        chart.categoryAxis.labels.fontName = fonts.REGULAR
        chart.categoryAxis.labels.fontSize = 8
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = max(3, *counts) if counts else 3
        chart.valueAxis.valueStep = 1
        chart.valueAxis.labels.fontName = fonts.REGULAR
        chart.bars[0].fillColor = colors.Color(0.3, 0.3, 0.3)
        drawing.add(chart)
        drawing.add(String(0, height - 12, self.words["chart_title"], fontName=fonts.BOLD, fontSize=9))
        return drawing

    def section(self, title: str, item_ids: tuple[str, ...]) -> list[Flowable]:
        rows = [[self.words["question"], self.words["answer"]]]
        rows += [[self.item_text(i), self.answer(i)] for i in item_ids if i in self.questionnaire.items_by_id]
        return [_paragraph(title, _HEADING), _table(rows, [0.6, 0.4])] if len(rows) > 1 else []

    def all_answers(self, title: str) -> list[Flowable]:
        rows = [[self.words["question"], self.words["answer"]]]
        rows += [[item.text[self.language], self.answer(item.id)] for item in self.questionnaire.items]
        return [_paragraph(title, _HEADING), _table(rows, [0.64, 0.36])]

    # -- wording of one item ----------------------------------------------------------------

    def item_text(self, item_id: str) -> str:
        return self.questionnaire.item(item_id).text[self.language]

    def item_short(self, item_id: str) -> str:
        item = self.questionnaire.items_by_id.get(item_id)
        return item.short[self.language] if item else item_id

    def answer(self, item_id: str) -> str:
        """The answer label as the patient saw it; unanswered and not-asked said so."""
        item = self.questionnaire.item(item_id)
        value = self.result.answer(item_id)
        if value is None:
            return str(self.words["no_answer" if self._was_asked(item) else "not_asked"])
        return item.answer_label(value, self.language)

    def _was_asked(self, item: Item) -> bool:
        """Shown when every show_if held on the stored answers (which are those of shown items)."""
        for condition in item.show_if:
            earlier = self.result.answer(condition.item)
            values = earlier if isinstance(earlier, tuple) else (earlier,)
            if not any(value in condition.any_of for value in values):
                return False
        return True


def _numbered_canvas(footer: str, page_words: str) -> type[pdf_canvas.Canvas]:
    """A canvas that holds pages until the end so each footer can say "Page N of M"."""

    class NumberedCanvas(pdf_canvas.Canvas):  # type: ignore[misc]  # reportlab ships no types
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont(fonts.REGULAR, 8)
                self.drawString(0.8 * inch, 0.45 * inch, footer)
                self.drawRightString(LETTER[0] - 0.8 * inch, 0.45 * inch,
                                     page_words.format(n=number, total=total))
                super().showPage()
            super().save()

    return NumberedCanvas
