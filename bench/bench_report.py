"""The PDF summary: one build against a bare two-page reportlab document with one table; a day's
batch of 200. Targets (issue 5): ≤ 100 ms per summary and ≤ 3× the bare document."""

from __future__ import annotations

import io
import random
import statistics
import time
from datetime import UTC, datetime

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table

from report import SummaryHeader, SummaryOptions, build_summary
from scoring import load_questionnaire, score
from storage.demo import random_answers


def bare_document(rows: list[list[str]]) -> bytes:
    """Two pages, one table of the same questions and answers as plain strings, built-in font:
    what reportlab costs for this content with nothing of ours (no wrapping, fonts, chart)."""
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    story = [Paragraph("Summary", styles["Title"]), Table(rows), PageBreak(), Paragraph("Page two", styles["Normal"])]
    SimpleDocTemplate(buffer, pagesize=LETTER).build(story)
    return buffer.getvalue()


def main() -> None:
    questionnaire = load_questionnaire("questionnaires/crps.yaml")
    rng = random.Random(5)
    answers = random_answers(questionnaire, rng)
    answers.update({"pain_present": "yes", "pain_disproportionate": "yes", "self_harm_thoughts": "yes"})
    result = score(questionnaire, {k: v for k, v in answers.items()}, "es")
    header = SummaryHeader("K7M-4PX", datetime.now(UTC), "es", "new", "Called the patient back.")
    options = SummaryOptions(variant="clinician", clinic_name="Bayside Pain Clinic", generated_at=datetime.now(UTC))
    rows = [[item.text["en"][:60], str(result.answer(item.id))] for item in questionnaire.items]
    build_summary(result, questionnaire, header, options)  # fonts registered, strings loaded
    bare_document(rows)
    ours, bare = [], []
    for _ in range(30):
        started = time.perf_counter()
        build_summary(result, questionnaire, header, options)
        ours.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        bare_document(rows)
        bare.append((time.perf_counter() - started) * 1000)
    median, bare_median = statistics.median(ours), statistics.median(bare)
    print(f"one summary (clinician copy, urgent): median {median:.1f} ms (target ≤ 100); bare reportlab "
          f"2-page table of the same answers {bare_median:.1f} ms; ratio {median / bare_median:.1f} (target ≤ 3)")
    day = [score(questionnaire, random_answers(questionnaire, rng), rng.choice(["en", "es"])) for _ in range(200)]
    started = time.perf_counter()
    for number, each in enumerate(day):
        build_summary(each, questionnaire, SummaryHeader(f"D{number:02d}-AAA", datetime.now(UTC), each.language),
                      options)
    print(f"a day's batch of 200 summaries: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
