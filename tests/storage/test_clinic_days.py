"""The clinic's day in storage: the per-day counts, the queue's date filter and
the export take the clinic's time zone, so a screening at 19:30 in Chicago (01:30 UTC the next
day) is on the clinic's day, not tomorrow's. And a note's formula after a `;` exports inert."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text, update

from scoring import Questionnaire, ScreeningResult
from storage import QueueFilter, Storage, Submission
from storage.clinic_days import clinic_day_bounds, is_utc_day
from storage.export import describe_filter
from storage.schema import submissions
from tests.support.engines import SQLITE_ONLY

CHICAGO = ZoneInfo("America/Chicago")
AUCKLAND = ZoneInfo("Pacific/Auckland")
DAY = date(2026, 11, 24)


def _at(storage: Storage, key: str, moment: datetime, result: ScreeningResult) -> Submission:
    """A screening saved at `moment` (UTC), with `created_day` its UTC day as the app writes it."""
    saved = storage.save_submission(idempotency_key=key, result=result, language="en")
    with storage.engine.begin() as connection:
        connection.execute(update(submissions).where(submissions.c.id == saved.id)
                           .values(created_at=moment, created_day=moment.date()))
    row = storage.get_submission(saved.id)
    assert row is not None
    return row


@pytest.fixture
def evening(storage: Storage, make_result: Callable[..., ScreeningResult]) -> dict[str, Submission]:
    """Three screenings around the clinic's 24 November in Chicago (UTC-6 in November)."""
    return {
        "morning": _at(storage, "morning", datetime(2026, 11, 24, 15, 0, tzinfo=UTC),
                       make_result("sensory", "vasomotor")),  # 09:00 CST
        "evening": _at(storage, "evening", datetime(2026, 11, 25, 1, 30, tzinfo=UTC),
                       make_result("sensory", "vasomotor", "sudomotor_edema")),  # 19:30 CST on the 24th
        "next": _at(storage, "next", datetime(2026, 11, 25, 7, 0, tzinfo=UTC), make_result()),  # 01:00 CST 25th
    }


def test_the_date_filter_is_the_clinics_day(storage: Storage, evening: dict[str, Submission]) -> None:
    """The filter said "UTC day": the 19:30 screening was filed under the 25th."""
    one_day = QueueFilter(date_from=DAY, date_to=DAY)
    in_chicago = {row.reference for row in storage.list_submissions(one_day, zone=CHICAGO).rows}
    assert in_chicago == {evening["morning"].reference, evening["evening"].reference}
    in_utc = {row.reference for row in storage.list_submissions(one_day).rows}
    assert in_utc == {evening["morning"].reference}


def test_counts_for_the_clinics_day(storage: Storage, evening: dict[str, Submission]) -> None:
    counts = storage.counts_for_day(DAY, CHICAGO)
    assert counts["tier"] == {"clinician_review": 1, "referral_suggested": 1}
    assert counts["status"] == {"new": 2}
    assert storage.counts_for_day(DAY + timedelta(days=1), CHICAGO)["tier"] == {"no_referral_suggested": 1}


def test_the_chart_counts_by_the_clinics_day(storage: Storage, evening: dict[str, Submission]) -> None:
    by_day = storage.daily_counts(DAY - timedelta(days=3), CHICAGO)
    assert sorted(by_day) == [(DAY, "clinician_review", 1), (DAY, "referral_suggested", 1),
                              (DAY + timedelta(days=1), "no_referral_suggested", 1)]
    utc = storage.daily_counts(DAY - timedelta(days=3))
    assert sorted(utc) == [(DAY, "clinician_review", 1), (DAY + timedelta(days=1), "no_referral_suggested", 1),
                           (DAY + timedelta(days=1), "referral_suggested", 1)]


def test_a_day_across_a_daylight_saving_change_has_its_own_length() -> None:
    start, end = clinic_day_bounds(date(2026, 11, 1), CHICAGO)  # clocks go back: 25 hours
    assert end - start == timedelta(hours=25)
    assert is_utc_day(DAY, ZoneInfo("UTC")) and is_utc_day(DAY, ZoneInfo("Etc/UTC"))
    assert not is_utc_day(DAY, CHICAGO) and not is_utc_day(date(2026, 7, 1), ZoneInfo("Europe/London"))


@SQLITE_ONLY
def test_the_clinics_counts_use_indexes_not_rows(storage: Storage, evening: dict[str, Submission]) -> None:
    """The zone's counts are created_at ranges on the (tier, created_at) and (status, created_at)
    indexes: SQLite's plan names a covering index, never a scan of the table."""
    start, end = clinic_day_bounds(DAY, AUCKLAND)
    with storage.engine.connect() as connection:
        for column, index in (("tier", "ix_submissions_tier_created"), ("status", "ix_submissions_status_created")):
            plan = " ".join(str(row[-1]) for row in connection.execute(text(
                f"EXPLAIN QUERY PLAN SELECT count(*) FROM submissions WHERE {column} = :v "
                "AND created_at >= :s AND created_at < :e"), {"v": "new", "s": start, "e": end}))
            assert f"COVERING INDEX {index}" in plan, plan


def test_the_export_filters_and_times_by_the_clinics_day(storage: Storage, evening: dict[str, Submission],
                                                         questionnaire: Questionnaire) -> None:
    out = io.StringIO()
    written = storage.export_csv(QueueFilter(date_from=DAY, date_to=DAY), out,
                                 item_ids=[item.id for item in questionnaire.items], zone=CHICAGO)
    rows = list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    assert written == 2
    late = next(row for row in rows if row["reference"] == evening["evening"].reference)
    assert late["submitted_at"] == "2026-11-24T19:30:00-06:00"


def test_a_formula_after_a_semicolon_in_a_note_exports_inert(storage: Storage, evening: dict[str, Submission],
                                                             questionnaire: Questionnaire) -> None:
    row = evening["morning"]
    storage.set_status(row.id, actor="a", status="follow_up", note='called back; =HYPERLINK("http://x")',
                       expected_row_version=row.row_version)
    storage.set_patient_identifier(row.id, "MRN 7;@SUM(A1)", actor="a")
    out = io.StringIO()
    storage.export_csv(QueueFilter(), out, item_ids=[item.id for item in questionnaire.items])
    for separator in (",", ";"):
        cells = [cell for line in csv.reader(io.StringIO(out.getvalue().lstrip("\ufeff")), delimiter=separator)
                 for cell in line]
        assert not any(cell.lstrip().startswith(("=", "+", "@")) for cell in cells), separator


def test_the_audit_log_describes_a_filter_in_words() -> None:
    """The audit log showed `QueueFilter(date_from=None, ...)`."""
    assert describe_filter(QueueFilter()) == "no filter"
    described = describe_filter(QueueFilter(date_from=DAY, urgent=True, status="new", reference="k7m"))
    assert described == "from 2026-11-24 (clinic days); urgent only; status new; reference starting 'k7m'"
    assert "QueueFilter" not in described and "None" not in described


def test_the_clinics_day_on_postgresql(postgres_url: str, make_result: Callable[..., ScreeningResult]) -> None:
    """The same zone-taking queries on PostgreSQL (timestamptz ranges, the loose index scan)."""
    storage = Storage(postgres_url)
    late = _at(storage, "pg-evening", datetime(2026, 11, 25, 1, 30, tzinfo=UTC), make_result("sensory", "vasomotor"))
    one_day = QueueFilter(date_from=DAY, date_to=DAY)
    assert [row.reference for row in storage.list_submissions(one_day, zone=CHICAGO).rows] == [late.reference]
    assert storage.counts_for_day(DAY, CHICAGO) == {"tier": {late.result.tier: 1}, "status": {"new": 1}}
    assert storage.daily_counts(DAY - timedelta(days=2), CHICAGO)[:1] == [(DAY, late.result.tier, 1)]
