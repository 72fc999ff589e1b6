"""Build the PDF summary: result + questionnaire + header + options -> bytes (reportlab).

Every piece of text that came from a person or from data is escaped before it reaches
reportlab's Paragraph markup, so hostile text prints as text and cannot change the layout.
Fixed wording (questions, headings) goes through `styles.wording`, parsed once per process.
"""

from __future__ import annotations

import io
import re
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from report import fonts
from report.chart import bar_chart
from report.styles import BOX, FACTS, GRID, HEADING, SMALL, TITLE, URGENT, URGENT_LEVEL, WIDTH, paragraph, wording
from scoring import (
    Item,
    Questionnaire,
    ScreeningResult,
    answer_text,
    answered_under,
    question_text,
    red_flag_concerns,
    story_of_the_pain,
    wording_note,
)
from scoring.red_flag_history import staff_lines

Variant = Literal["clinician", "patient"]


def take_home_left_out(questionnaire: Questionnaire, result: ScreeningResult) -> tuple[str, ...]:
    """Items whose question and answer the patient's copy leaves out (it goes home, others may
    read it): `take_home: false` in the questionnaire (the loader also leaves out every talk_now
    red flag and what is asked only after a left-out answer), today's and the answered version's."""
    answered = answered_under(questionnaire, result)
    return tuple(dict.fromkeys((*questionnaire.left_out_of_take_home, *answered.left_out_of_take_home)))

@dataclass(frozen=True)
class SummaryHeader:
    """Facts about the submission that are not in the result."""

    reference: str
    submitted_at: datetime
    language: str
    status: str | None = None
    note: str | None = None
    patient_identifier: str | None = None
    """The clinic's chart number, as staff saved it on the screening's page (clinician copy only)."""
    patient_birth_date: date | None = None
    """The second identifier (the desk's hand-off, or attached by staff; clinician copy only)."""
    patient_name: str | None = None
    """The patient's full name, the other second identifier (clinician copy only)."""
    assisted: str | None = None
    """"answered with staff help: NAME / interpreter (LANGUAGE)" (clinician copy only)."""


BIRTH_DATE_WORDS = "Date of birth"
NAME_WORDS = "Name"
PATIENT_WORDS, NO_PATIENT_WORDS = "Patient", "no patient attached"
ASSISTED_WORDS = "Answered with"
"""The clinician copy is in English: these header rows are its own words."""


@dataclass(frozen=True)
class SummaryOptions:
    """How to build it: which copy, the clinic's name and address, when, and the clinic's time zone.

    `timezone` is the clinic's (e.g. `ZoneInfo(settings.CLINIC_TIMEZONE)`); every time on the
    page is shown in it with its abbreviation. The builder reads no setting itself.
    """

    variant: Variant = "clinician"
    clinic_name: str = ""
    clinic_address: str = ""
    generated_at: datetime | None = None
    timezone: tzinfo = UTC


def summary_filename(reference: str, variant: str) -> str:
    """No patient data in the name beyond the reference code."""
    safe = re.sub(r"[^A-Za-z0-9-]", "", reference)
    return f"crps-screen-{safe}-{'clinician' if variant == 'clinician' else 'patient'}.pdf"


def build_summary(
    result: ScreeningResult, questionnaire: Questionnaire, header: SummaryHeader, options: SummaryOptions
) -> bytes:
    """The summary as PDF bytes; the clinician copy in English, the patient copy in their language."""
    fonts.register()
    language = _copy_language(header, questionnaire, options)
    words = _strings()[language]
    story = summary_story(result, questionnaire, header, options)

    buffer = io.BytesIO()
    with _ONE_AT_A_TIME:
        _layout(buffer, story, header, options, words)
    return buffer.getvalue()


_ONE_AT_A_TIME = threading.Lock()
"""reportlab is not thread-safe: two documents laid out at once on Streamlit's session threads
can embed a wrong TrueType subset (its font objects keep per-document state) and race on shared
drawing nodes. One build at a time per process (~15 ms each) costs little."""


def _layout(buffer: io.BytesIO, story: list[Flowable], header: SummaryHeader, options: SummaryOptions,
            words: dict[str, Any]) -> None:
    generated = clinic_time(options.generated_at or datetime.now(UTC), options.timezone)
    footer = f"{words['reference']} {header.reference} · {words['generated']} {generated}"
    patient = footer_patient(header, words) if options.variant == "clinician" else ""
    document = SimpleDocTemplate(
        buffer, pagesize=LETTER, leftMargin=0.8 * inch, rightMargin=0.8 * inch,
        topMargin=0.7 * inch, bottomMargin=0.8 * inch,
        title=words["title"] if options.variant == "clinician" else words["patient_title"],
        subject=f"{words['reference']} {header.reference}",
        author=options.clinic_name or "CRPS symptom screen",
        creator="crps-screen",
    )
    document.build(story, canvasmaker=_numbered_canvas(footer, words["page"], patient))


def footer_patient(header: SummaryHeader, words: dict[str, Any]) -> str:
    """The patient's identifiers on every page of the clinician copy, as filed (H40, H64): chart
    number, date of birth, name; "" without a chart number. A line of its own above the reference
    line, so a long chart number or name never runs into "Page N of M". A walk-up's reads "Patient:
    no patient attached", as on every staff screen."""
    if not header.patient_identifier:
        return f"{PATIENT_WORDS}: {NO_PATIENT_WORDS}"
    parts = [f"{words['chart_number']} {header.patient_identifier}"]
    if header.patient_birth_date is not None:
        parts.append(f"{BIRTH_DATE_WORDS} {header.patient_birth_date:%Y-%m-%d}")
    if header.patient_name:
        parts.append(f"{NAME_WORDS} {header.patient_name}")
    return " · ".join(parts)


def summary_story(
    result: ScreeningResult, questionnaire: Questionnaire, header: SummaryHeader, options: SummaryOptions
) -> list[Flowable]:
    """The document's flowables, before layout (`build_summary` lays them out; the bench counts them)."""
    fonts.register()
    language = _copy_language(header, questionnaire, options)
    builder = _Sections(result, questionnaire, header, options, language, _strings()[language])
    return builder.clinician() if options.variant == "clinician" else builder.patient()


def clinic_time(moment: datetime, zone: tzinfo) -> str:
    """A time as the clinic reads it: "2026-11-24 04:30 EST" (a naive time is taken as UTC)."""
    local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or ''}".rstrip()


def _time_of_day(moment: datetime, zone: tzinfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%H:%M} {local.tzname() or ''}".rstrip()


# -- wording ----------------------------------------------------------------------------------


@cache
def _strings() -> dict[str, dict[str, Any]]:
    loaded = yaml.safe_load((Path(__file__).parent / "strings.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def report_words(key: str, language: str = "en") -> str:
    """One fixed wording of the summary (`strings.yaml`), for a staff page that shows the same
    section: e.g. `report_words("story")`, the story-of-the-pain heading."""
    return str(_strings()[language][key])


def _language(language: str, questionnaire: Questionnaire) -> str:
    return str(language) if language in questionnaire.languages and language in _strings() else "en"


def _copy_language(header: SummaryHeader, questionnaire: Questionnaire, options: SummaryOptions) -> str:
    return "en" if options.variant == "clinician" else _language(header.language, questionnaire)


# -- layout -----------------------------------------------------------------------------------


def _room() -> CondPageBreak:
    """Before a heading: a new page unless the heading and a couple of rows fit, so none is left alone."""
    return CondPageBreak(1.3 * inch)


def _boxed(flowables: list[Flowable], border: float, background: colors.Color | None = None) -> Table:
    box = Table([[flowables]], colWidths=[WIDTH])
    style = [("BOX", (0, 0), (-1, -1), border, colors.black), ("LEFTPADDING", (0, 0), (-1, -1), 10),
             ("RIGHTPADDING", (0, 0), (-1, -1), 10), ("TOPPADDING", (0, 0), (-1, -1), 8),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]
    if background is not None:
        style.append(("BACKGROUND", (0, 0), (-1, -1), background))
    box.setStyle(TableStyle(style))
    return box


def _table(rows: list[list[Paragraph]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=[w * WIDTH for w in widths], repeatRows=1)
    table.setStyle(GRID)
    return table


class _Sections:
    """The document's parts, in the chosen language."""

    def __init__(
        self, result: ScreeningResult, questionnaire: Questionnaire, header: SummaryHeader,
        options: SummaryOptions, language: str, words: dict[str, Any],
    ) -> None:
        self.result, self.questionnaire, self.header = result, questionnaire, header
        self.options, self.language, self.words = options, language, words
        self.patient_language = _language(header.language, questionnaire)

    # -- the two copies ---------------------------------------------------------------------

    def clinician(self) -> list[Flowable]:
        story = [*self.clinic(), wording(self.words["title"], TITLE), self.facts(clinician=True), Spacer(1, 8)]
        story += self.urgent_banner()
        story += self.outcome()
        story += self.categories()
        story += self.section(self.words["pain"], "pain")
        story += self.story_of_the_pain()
        story += self.section(self.words["sleep_mood"], "sleep_mood")
        if self.header.note:
            story += [wording(self.words["note"], HEADING), paragraph(self.header.note)]
        story += self.all_answers(self.words["answers"])
        return story

    def patient(self) -> list[Flowable]:
        messages = self.questionnaire.messages
        story = [*self.clinic(), wording(self.words["patient_title"], TITLE), self.facts(clinician=False),
                 Spacer(1, 8)]
        if self.result.urgent:
            story.append(_boxed([
                wording(self.words["patient_urgent_title"], URGENT),
                wording(messages["urgent_tell_staff"][self.language], BOX),
                wording(messages["crisis_line"][self.language], BOX),
            ], border=3))
            story.append(Spacer(1, 8))
        tier = self.questionnaire.tier(self.result.tier)
        story.append(_boxed([
            wording(tier.message[self.language], BOX),
            wording(messages["not_a_diagnosis"][self.language], BOX),
        ], border=1.2))
        story += [wording(self.words["next_steps"], HEADING), wording(self.words["next_steps_text"])]
        left_out = take_home_left_out(self.questionnaire, self.result)
        story += self.all_answers(self.words["patient_answers"], left_out=left_out)
        if left_out:
            story += [Spacer(1, 6), wording(self.words["safety_left_out"])]
        return story

    # -- parts ------------------------------------------------------------------------------

    def clinic(self) -> list[Flowable]:
        lines = [line for line in (self.options.clinic_name, self.options.clinic_address) if line.strip()]
        return [paragraph("\n".join(lines), SMALL), Spacer(1, 4)] if lines else []

    def facts(self, *, clinician: bool) -> Table:
        words, header = self.words, self.header
        language = words["language_names"].get(header.language, header.language)
        rows = [
            [words["reference"], header.reference],
            [words["submitted"], clinic_time(header.submitted_at, self.options.timezone)],
            [words["language"], language],
        ]
        if clinician:  # the chart number files the copy with the right patient (hazard H64)
            rows.insert(1, [words["chart_number"], header.patient_identifier or words["no_chart_number"]])
            if not header.patient_identifier:  # an anonymous walk-up, worded as on every staff screen
                rows.insert(1, [PATIENT_WORDS, NO_PATIENT_WORDS])
            if header.patient_birth_date is not None:
                rows.insert(2, [BIRTH_DATE_WORDS, f"{header.patient_birth_date:%Y-%m-%d}"])
            if header.patient_name:  # the other second identifier, escaped by paragraph()
                rows.insert(3 if header.patient_birth_date is not None else 2, [NAME_WORDS, header.patient_name])
            if header.assisted:
                rows.append([ASSISTED_WORDS, header.assisted.removeprefix("answered with ")])
            rows.append([words["questionnaire"], f"{self.result.questionnaire_id}, version "
                         f"{self.result.questionnaire_version}"])
            if header.status:
                rows.append([words["status"], header.status])
        table = Table([[wording(k, SMALL), paragraph(v)] for k, v in rows], colWidths=[1.6 * inch, None])
        table.setStyle(FACTS)
        return table

    def urgent_banner(self) -> list[Flowable]:
        """Impossible to miss in print or grey scale: a thick black box and large bold words.
        The most severe level first, then each red flag's concern, most severe first."""
        if not self.result.urgent:
            return []
        level = self.words["levels"][self.result.red_flag_level or "emergency"]
        concerns = red_flag_concerns(self.questionnaire, self.result, "en")
        zone = self.options.timezone
        # Answers changed after a flag was raised, and red-flag questions not asked.
        history = staff_lines(self.questionnaire, self.result, lambda moment: _time_of_day(moment, zone))
        banner = [wording(self.words["urgent_title"], URGENT),
                  wording(self.words["most_severe"].format(level=level), URGENT_LEVEL),
                  wording(self.words["red_flags"], BOX), *(wording(f"• {line}", BOX) for line in concerns),
                  *(paragraph(f"• {line}", BOX) for line in history)]
        return [_boxed(banner, border=4, background=colors.Color(0.92, 0.92, 0.92)), Spacer(1, 8)]

    def outcome(self) -> list[Flowable]:
        tier = self.questionnaire.tier(self.result.tier)
        box = _boxed([
            wording(self.words["suggestion"].format(tier=tier.label["en"]), HEADING),
            wording(self.words["disclaimer"], BOX),
        ], border=1.5)
        return [wording(self.words["outcome"], HEADING), box]

    def categories(self) -> list[Flowable]:
        words = self.words
        rows = [[wording(words["category"], SMALL), wording(words["met"], SMALL), wording(words["which"], SMALL)]]
        counts: list[int] = []
        labels: list[str] = []
        for finding in self.result.findings:
            category = next((c for c in self.questionnaire.categories if c.id == finding.category), None)
            label = category.label["en"] if category else finding.category
            shorts = [self.item_short(item_id) for item_id in finding.items]
            rows.append([wording(label, SMALL), wording(words["yes" if finding.met else "no"], SMALL),
                         paragraph(", ".join(shorts) or "—", SMALL)])
            counts.append(len(finding.items))
            labels.append(label)
        chart = bar_chart(words["chart_title"], tuple(labels), tuple(counts))
        return [_room(), wording(words["categories"], HEADING), _table(rows, [0.32, 0.14, 0.54]),
                Spacer(1, 6), KeepTogether([chart])]

    def section(self, title: str, section: str) -> list[Flowable]:
        """The items the questionnaire puts in this section (`report_section:`), question and answer."""
        rows = [[wording(self.words["question"], SMALL), wording(self.words["answer"], SMALL)]]
        rows += [[wording(self.asked(item.id, self.language), SMALL), paragraph(self.answer(item), SMALL)]
                 for item in self.questionnaire.section_items(section)]
        return [_room(), wording(title, HEADING), _table(rows, [0.6, 0.4])] if len(rows) > 1 else []

    def story_of_the_pain(self) -> list[Flowable]:
        """What the patient tells of how the pain began (`report_section: story`), in the words
        `scoring.story_of_the_pain` gives staff ("Patient reports a doctor said ..."): context,
        never scored. Left out when none of it was asked (no ongoing pain)."""
        lines = story_of_the_pain(self.questionnaire, self.result, self.language)
        if not lines:
            return []
        rows = [[wording(self.words["reported"], SMALL), wording(self.words["answer"], SMALL)]]
        rows += [[wording(what, SMALL), paragraph(answer, SMALL)] for what, answer in lines]
        return [_room(), wording(self.words["story"], HEADING), wording(self.words["story_note"], SMALL),
                _table(rows, [0.6, 0.4])]

    def all_answers(self, title: str, left_out: tuple[str, ...] = ()) -> list[Flowable]:
        """Every question and answer; on the clinician copy of a screening in another language,
        the question as the patient read it with the English beside it."""
        # The version this patient answered (its archived copy for an older screening), and the
        # words as they saw them, not today's wording.
        answered = answered_under(self.questionnaire, self.result)
        items = [item for item in answered.items if item.id not in left_out]
        words = self.words
        note = wording_note(self.questionnaire, self.result)
        noted = [wording(note, SMALL)] if note else []
        if self.language == self.patient_language:
            rows = [[wording(words["question"], SMALL), wording(words["answer"], SMALL)]]
            rows += [[wording(self.asked(item.id, self.language), SMALL), paragraph(self.answer(item), SMALL)]
                     for item in items]
            return [_room(), wording(title, HEADING), *noted, _table(rows, [0.64, 0.36])]
        name = words["language_names"].get(self.patient_language, self.patient_language)
        rows = [[wording(words["question_as_asked"].format(language=name), SMALL),
                 wording(words["in_english"], SMALL), wording(words["answer"], SMALL)]]
        rows += [[wording(self.asked(item.id, self.patient_language), SMALL),
                  wording(self.asked(item.id, self.language), SMALL),
                  paragraph(self.answer(item, also=self.patient_language), SMALL)] for item in items]
        return [_room(), wording(title, HEADING), *noted, _table(rows, [0.38, 0.38, 0.24])]

    # -- wording of one item ----------------------------------------------------------------

    def asked(self, item_id: str, language: str) -> str:
        """The question as this patient saw it (`scoring.question_text`), not today's wording."""
        seen = question_text(self.questionnaire, self.result, item_id, language)
        return seen.text if seen is not None else item_id

    def item_short(self, item_id: str) -> str:
        item = self.questionnaire.items_by_id.get(item_id)
        return item.short[self.language] if item else item_id

    def answer(self, item: Item, also: str | None = None) -> str:
        """The answer as `scoring.answer_text` words it (and, with `also`, as the patient saw it)."""
        value = self.result.answer(item.id)
        answered = answered_under(self.questionnaire, self.result)
        text = answer_text(answered, self.result, item, value, self.language)
        seen = answer_text(answered, self.result, item, value, also) if also else text
        return text if seen == text else f"{text} ({seen})"


def patient_lines(patient: str, width: float) -> tuple[float, list[str]]:
    """The footer's patient line within `width` points: one line at 8 pt, or wrapped onto two
    (a 64-character chart number beside a 100-character name ran off the page), smaller type
    only if two lines at 8 pt are not enough. Never cut: every identifier is on every page."""
    size, lines = 8.0, [patient]
    for size in (8.0, 7.0, 6.0, 5.0):
        lines = simpleSplit(patient, fonts.REGULAR, size, width)
        if len(lines) <= 2:
            break
    return size, lines


def _numbered_canvas(footer: str, page_words: str, patient: str = "") -> type[pdf_canvas.Canvas]:
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
                if patient:
                    size, lines = patient_lines(patient, LETTER[0] - 1.6 * inch)
                    self.setFont(fonts.REGULAR, size)
                    for row, line in enumerate(reversed(lines)):  # upwards from the reference line
                        self.drawString(0.8 * inch, 0.6 * inch + row * (size + 1.5), line)
                    self.setFont(fonts.REGULAR, 8)
                self.drawRightString(LETTER[0] - 0.8 * inch, 0.45 * inch,
                                     page_words.format(n=number, total=total))
                super().showPage()
            super().save()

    return NumberedCanvas
