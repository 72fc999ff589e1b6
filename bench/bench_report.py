"""The PDF summary against a fair bare reportlab document; a day's batch of 200.

Targets: ≤ 100 ms per summary and ≤ 3× the bare document.

The bare document does the same layout work with nothing of ours: the same embedded Vera
TrueType font, the same table cells as wrapped Paragraphs (same text, same column widths), the
same headings, and the same page count. What it leaves out is what we add: escaping, the
wording lookups, the boxes, the urgent banner's frame, the chart and "Page N of M" footers.
"""

from __future__ import annotations

import io
import random
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, datetime

from pypdf import PdfReader
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

from report import SummaryHeader, SummaryOptions, build_summary, fonts
from report.document import summary_story
from scoring import Questionnaire, ScreeningResult, load_questionnaire, score
from storage.demo import random_answers

_CELL = ParagraphStyle("bare-cell", fontName=fonts.REGULAR, fontSize=8.5, leading=11)
_TEXT = ParagraphStyle("bare-text", fontName=fonts.REGULAR, fontSize=10, leading=13)
_GRID = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")])


def _bare_parts(story: list[Flowable]) -> Iterator[tuple[str, list[list[str]], list[float] | None]]:
    """("text", [[markup]], None) for a paragraph, ("table", rows of markup, widths) for a table of
    paragraphs; boxes (a table holding a list of flowables), the chart and spacers are ours."""
    for flowable in story:
        if isinstance(flowable, Paragraph):
            yield "text", [[flowable.text]], None
        elif isinstance(flowable, Table) and all(isinstance(c, Paragraph) for row in flowable._cellvalues for c in row):
            yield "table", [[cell.text for cell in row] for row in flowable._cellvalues], flowable._argW


def bare_document(parts: list[tuple[str, list[list[str]], list[float] | None]], breaks: int) -> bytes:
    """Same font, same wrapped cells, plain reportlab otherwise; `breaks` page breaks at the end."""
    story: list[Flowable] = []
    for kind, rows, widths in parts:
        if kind == "text":
            story.append(Paragraph(rows[0][0], _TEXT))
        else:
            story.append(Table([[Paragraph(text, _CELL) for text in row] for row in rows], colWidths=widths,
                               repeatRows=1, style=_GRID))
    story += [PageBreak()] * breaks
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=LETTER, leftMargin=0.8 * inch, rightMargin=0.8 * inch,
                      topMargin=0.7 * inch, bottomMargin=0.8 * inch).build(story)
    return buffer.getvalue()


def _breaks_for(parts: list[tuple[str, list[list[str]], list[float] | None]], pages: int) -> int:
    """How many page breaks give the bare document the same page count as ours (found once)."""
    for breaks in range(pages):
        if len(PdfReader(io.BytesIO(bare_document(parts, breaks))).pages) >= pages:
            return breaks
    return pages


def _case(result: ScreeningResult, language: str, label: str) -> tuple[float, float]:
    questionnaire = load_questionnaire("questionnaires/crps.yaml")
    header = SummaryHeader("K7M-4PX", datetime.now(UTC), language, "new", "Called the patient back.")
    options = SummaryOptions(variant="clinician", clinic_name="Bayside Pain Clinic", generated_at=datetime.now(UTC))
    ours_pdf = build_summary(result, questionnaire, header, options)  # fonts registered, strings loaded
    pages = len(PdfReader(io.BytesIO(ours_pdf)).pages)
    parts = list(_bare_parts(summary_story(result, questionnaire, header, options)))
    cells = sum(len(row) for kind, rows, _ in parts if kind == "table" for row in rows)
    breaks = _breaks_for(parts, pages)
    bare_pages = len(PdfReader(io.BytesIO(bare_document(parts, breaks))).pages)
    ours, bare = [], []
    for _ in range(30):
        started = time.perf_counter()
        build_summary(result, questionnaire, header, options)
        ours.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        bare_document(parts, breaks)
        bare.append((time.perf_counter() - started) * 1000)
    median, bare_median = statistics.median(ours), statistics.median(bare)
    print(f"{label}: {pages} pages, {cells} wrapped table cells; median {median:.1f} ms (target ≤ 100); "
          f"bare reportlab, same font/cells ({bare_pages} pages) {bare_median:.1f} ms; "
          f"ratio {median / bare_median:.2f} (target ≤ 3)")
    return median, bare_median


def urgent_answers(questionnaire: Questionnaire, rng: random.Random) -> dict[str, object]:
    """A whole screening with pain and a self-harm red flag: the longest clinician summary."""
    answers = random_answers(questionnaire, rng)
    while answers["pain_present"] != "yes":  # the pain questions are only in a set made with pain
        answers = random_answers(questionnaire, rng)
    answers.update({"pain_disproportionate": "yes", "self_harm_thoughts": "yes",
                    "self_harm_now": "no"})  # 1.2: the right-now question follows a yes
    return answers


def main() -> None:
    questionnaire = load_questionnaire("questionnaires/crps.yaml")
    rng = random.Random(5)
    answers = urgent_answers(questionnaire, rng)
    for language in ("en", "es"):
        _case(score(questionnaire, dict(answers), language), language,
              f"one clinician summary, urgent, {language} screening")
    options = SummaryOptions(variant="clinician", clinic_name="Bayside Pain Clinic", generated_at=datetime.now(UTC))
    day = [score(questionnaire, random_answers(questionnaire, rng), rng.choice(["en", "es"])) for _ in range(200)]
    started = time.perf_counter()
    for number, each in enumerate(day):
        build_summary(each, questionnaire, SummaryHeader(f"D{number:02d}-AAA", datetime.now(UTC), each.language),
                      options)
    print(f"a day's batch of 200 summaries: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
