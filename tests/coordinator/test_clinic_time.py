"""The coordinator pages and their PDFs show times in CLINIC_TIMEZONE, and "today" is
the clinic's day (not the UTC day)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from report import SummaryOptions, build_summary
from scoring import load_questionnaire
from storage import Storage, Submission
from tests.support.answers import DEFAULT_QUESTIONNAIRE
from tests.support.coordinator_app import go, page_text, sign_in, staff_session
from tests.support.rows import move
from ui.coordinator import urgent_list

CHICAGO = ZoneInfo("America/Chicago")


@pytest.fixture
def chicago(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLINIC_TIMEZONE", "America/Chicago")


def test_queue_and_screening_show_clinic_time(
    chicago: None, app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission]
) -> None:
    row = move(storage_with_staff, submit("sensory"),
               datetime(2026, 1, 15, 3, 30, tzinfo=UTC))  # 21:30 on the 14th, CST
    sign_in(app)
    frame = app.dataframe[0].value
    assert list(frame["Submitted"]) == ["2026-01-14 21:30 CST"]
    staff_session(app).selected_id = row.id
    go(app, "screening")
    assert not app.exception
    assert "Submitted 2026-01-14 21:30 CST" in page_text(app)
    assert "UTC" not in page_text(app)


def test_downloaded_pdf_shows_clinic_time(
    chicago: None, app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ui.coordinator.screening as screening

    made: list[SummaryOptions] = []

    def recording(**kwargs: object) -> SummaryOptions:
        made.append(SummaryOptions(**kwargs))  # type: ignore[arg-type]
        return made[-1]

    monkeypatch.setattr(screening, "SummaryOptions", recording)
    row = move(storage_with_staff, submit("sensory", "vasomotor"), datetime(2026, 7, 1, 2, 5, tzinfo=UTC))
    sign_in(app)
    staff_session(app).selected_id = row.id
    go(app, "screening")
    assert {options.variant for options in made} == {"clinician", "patient"}
    assert all(options.timezone == CHICAGO for options in made)
    questionnaire = load_questionnaire(DEFAULT_QUESTIONNAIRE)
    clinician = next(options for options in made if options.variant == "clinician")
    pdf = build_summary(row.result, questionnaire, screening.summary_header(row), clinician)
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "2026-06-30 21:05 CDT" in text  # the submitted time, in summer time
    assert "02:05 UTC" not in text


def test_today_counts_use_the_clinic_day(
    chicago: None, app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission]
) -> None:
    today = datetime.now(CHICAGO).date()
    start = datetime.combine(today, datetime.min.time(), tzinfo=CHICAGO).astimezone(UTC)  # 05:00 or 06:00 UTC
    first = move(storage_with_staff, submit("sensory", "vasomotor"), start)  # the clinic's first minute today
    move(storage_with_staff, submit("sensory", "vasomotor"), start - timedelta(seconds=1))  # yesterday, clinic time
    sign_in(app)
    text = page_text(app)
    assert f"Today ({today:%Y-%m-%d}, clinic time) by suggestion" in text
    label = load_questionnaire(DEFAULT_QUESTIONNAIRE).tier(first.result.tier).label["en"]
    assert f"{label}: 1" in text


def test_clinic_day_counts_at_its_edges(chicago: None, storage: Storage, submit: Callable[..., Submission]) -> None:
    """2026-03-08 in Chicago is 23 hours (summer time starts): 06:00 UTC to 05:00 UTC next day.
    (Counted by storage in the clinic's zone.)"""
    day = datetime(2026, 3, 8).date()
    inside = [datetime(2026, 3, 8, 6, 0, tzinfo=UTC), datetime(2026, 3, 8, 17, 0, tzinfo=UTC),
              datetime(2026, 3, 9, 4, 59, 59, tzinfo=UTC)]
    outside = [datetime(2026, 3, 8, 5, 59, 59, tzinfo=UTC), datetime(2026, 3, 9, 5, 0, tzinfo=UTC)]
    for moment in inside + outside:
        move(storage, submit("sensory", "vasomotor"), moment)
    counts = storage.counts_for_day(day, CHICAGO)
    assert sum(counts["tier"].values()) == 3 and sum(counts["status"].values()) == 3
    utc_next_day = storage.counts_for_day(day + timedelta(days=1), ZoneInfo("UTC"))
    assert sum(utc_next_day["tier"].values()) == 2  # 04:59:59 and 05:00 UTC on the 9th: one is Chicago's 8th


def test_overdue_means_before_the_clinic_today(
    chicago: None, storage: Storage, submit: Callable[..., Submission]
) -> None:
    now = datetime(2026, 1, 15, 3, 0, tzinfo=UTC)  # 21:00 on the 14th in Chicago
    earlier_that_evening = move(storage, submit(stroke_signs_last_hours="yes"),
                                datetime(2026, 1, 14, 23, 0, tzinfo=UTC))
    the_day_before = move(storage, submit(stroke_signs_last_hours="yes"), datetime(2026, 1, 14, 5, 0, tzinfo=UTC))
    assert not urgent_list.is_overdue(earlier_that_evening, now, CHICAGO)  # the same clinic day
    assert urgent_list.is_overdue(the_day_before, now, CHICAGO)  # 23:00 on the 13th, clinic time


def test_urgent_line_is_one_line_of_escaped_markdown(
    storage: Storage, submit: Callable[..., Submission], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The urgent list draws one Markdown line per screening (fewer elements per run); the concern
    text is escaped, so questionnaire wording cannot turn into markup."""
    row = move(storage, submit(stroke_signs_last_hours="yes"), datetime(2026, 1, 14, 5, 0, tzinfo=UTC))
    monkeypatch.setattr(urgent_list, "red_flag_concerns", lambda *_: ["a *bold* <b>claim</b>"])
    questionnaire = load_questionnaire(DEFAULT_QUESTIONNAIRE)
    line = urgent_list.urgent_line(row, questionnaire, datetime(2026, 1, 15, 3, 0, tzinfo=UTC), CHICAGO)
    assert line.startswith(f"**{row.reference}** · no tablet · 1320 min · OVERDUE · no patient attached  \n")
    assert line.endswith(r"a \*bold\* \<b\>claim\</b\>")
