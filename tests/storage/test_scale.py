"""Scale: the capped count, each queue filter on an index, exports whose memory does
not grow with the rows, `python -m storage export`, demo rows that say they are demo."""

from __future__ import annotations

import json
import os
import stat
import tracemalloc
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from scoring import Questionnaire
from scoring.fhir.names import resource_id
from storage import QueueFilter, Storage
from storage.__main__ import main as storage_main
from storage.demo import DEMO_ACTOR, DEMO_TABLET, demo_reference, fill
from storage.engine import utc_now
from storage.export import write_ndjson
from storage.schema import submissions
from tests.support.engines import SQLITE_ONLY


@pytest.fixture
def demo(database_url: str, questionnaire: Questionnaire) -> Storage:
    storage = Storage(database_url)
    fill(storage, 600, questionnaire=questionnaire)
    return storage


def test_counts_are_capped_with_a_filter_or_without(demo: Storage) -> None:
    capped = demo.list_submissions(QueueFilter(), count_cap=100)
    assert capped.total == 100 and capped.total_is_capped and len(capped.rows) == 25
    exact = demo.list_submissions(QueueFilter(), count_cap=600)
    assert exact.total == 600 and not exact.total_is_capped
    with demo.engine.connect() as connection:
        tiers = [row.tier for row in connection.execute(select(submissions.c.tier))]
    busiest = max(set(tiers), key=tiers.count)
    assert tiers.count(busiest) > 100  # more than the cap: the filtered count stops there too
    filtered = demo.list_submissions(QueueFilter(tier=busiest), count_cap=100)
    assert filtered.total == 100 and filtered.total_is_capped and len(filtered.rows) == 25
    under = demo.list_submissions(QueueFilter(tier=busiest), count_cap=tiers.count(busiest))
    assert under.total == tiers.count(busiest) and not under.total_is_capped  # exact up to the cap


def _statements(storage: Storage, work: Any) -> list[tuple[str, Any]]:
    """The SQL statements (and parameters) `work` sends to the database."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        seen.append((statement, parameters))

    event.listen(storage.engine, "before_cursor_execute", record)
    try:
        work()
    finally:
        event.remove(storage.engine, "before_cursor_execute", record)
    return seen


def _plan(storage: Storage, statement: str, parameters: Any) -> str:
    with storage.engine.connect() as connection:
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    return " / ".join(str(row[3]) for row in rows)


def _queue_filters(storage: Storage) -> dict[str, QueueFilter]:
    today = utc_now().date()
    newest = storage.list_submissions(QueueFilter(), page_size=1).rows[0].reference
    return {
        "none": QueueFilter(),
        "tier": QueueFilter(tier="referral_suggested"),
        "status": QueueFilter(status="follow_up"),
        "urgent": QueueFilter(urgent=True),
        "date range": QueueFilter(date_from=today - timedelta(days=6), date_to=today),
        "whole reference": QueueFilter(reference=newest.lower().replace("-", "")),
        "reference start": QueueFilter(reference=newest[:3]),
        "reference start past the dash": QueueFilter(reference=newest[:5].replace("-", "")),
    }


@pytest.mark.parametrize("name", ["none", "tier", "status", "urgent", "date range", "whole reference",
                                  "reference start", "reference start past the dash"])
@SQLITE_ONLY
def test_each_queue_filter_reads_an_index_in_the_queue_order(demo: Storage, name: str) -> None:
    query = _queue_filters(demo)[name]
    sent = _statements(demo, lambda: demo.list_submissions(query, page=1, page_size=25))
    # the count, the page, and (when the page holds urgent rows) their kept red-flag answers
    assert len(sent) in (2, 3) and all("red_flag_events" in statement for statement, _ in sent[2:])
    for statement, parameters in sent:
        plan = _plan(demo, statement, parameters)
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan or "USING INTEGER PRIMARY KEY" in plan, plan
        if "reference" not in name:  # a reference's few matches may be sorted; not a tier's 200,000
            assert "TEMP B-TREE" not in plan, plan  # no sort of every matching row for one page
        else:
            assert "reference" in plan, plan  # found through the index on reference


@SQLITE_ONLY
def test_open_urgent_list_and_chart_read_indexes(demo: Storage) -> None:
    for work in (lambda: demo.open_urgent(page=1, page_size=20),
                 lambda: demo.daily_counts(utc_now().date() - timedelta(weeks=6))):
        for statement, parameters in _statements(demo, work):
            plan = _plan(demo, statement, parameters)
            assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan


def test_a_partial_reference_finds_exactly_the_codes_starting_with_it(
        storage: Storage, questionnaire: Questionnaire) -> None:
    fill(storage, 400, questionnaire=questionnaire)
    with storage.engine.connect() as connection:
        codes = [row[0] for row in connection.execute(select(submissions.c.reference))]
    typed_forms = {code[:length] for code in codes[:40] for length in (1, 2, 3, 5, 6)}
    typed_forms |= {"DZ", "DAZ", "D9", "DZZ-Z", "DZ9", "D2", "DA-", "%", "D_", "Z"}  # carries, edges, wildcards
    for typed in sorted(typed_forms):
        found = storage.list_submissions(QueueFilter(reference=typed), page_size=1000)
        code = typed.replace("-", "").upper()  # staff's dashes and case do not matter
        wanted = code if len(code) <= 3 else f"{code[:3]}-{code[3:]}"
        expected = sorted(code for code in codes if code.startswith(wanted))
        assert sorted(row.reference for row in found.rows) == expected, typed
        assert found.total == len(expected), typed
    reference = demo_reference(7)
    for typed in (reference[:5].replace("-", "").lower(), reference):
        assert reference in {row.reference for row in storage.list_submissions(QueueFilter(reference=typed)).rows}
    assert storage.list_submissions(QueueFilter(reference=reference[2:])).total == 0  # not "contains"


def _peak(work: Any) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("form", ["csv", "ndjson"])
def test_export_memory_does_not_grow_with_the_rows(
        database_url: str, tmp_path: Path, questionnaire: Questionnaire, form: str) -> None:
    small, large = Storage(database_url), Storage(f"sqlite:///{tmp_path / 'large.db'}")
    fill(small, 600, questionnaire=questionnaire)
    fill(large, 6_000, questionnaire=questionnaire)
    item_ids = [item.id for item in questionnaire.items]

    def export(storage: Storage) -> None:
        with open(os.devnull, "w", encoding="utf-8") as out:
            if form == "csv":
                assert storage.export_csv(QueueFilter(), out, item_ids=item_ids, chunk_size=250) > 0
            else:
                assert write_ndjson(storage.iter_export_rows(QueueFilter(), chunk_size=250), out,
                                    questionnaire=questionnaire) > 0

    peaks = [_peak(lambda storage=storage: export(storage)) for storage in (small, large)]
    assert peaks[1] < 1.5 * peaks[0], f"peak {peaks[1]:,} B at 6,000 rows vs {peaks[0]:,} B at 600"


def test_export_command_writes_a_new_private_file_and_is_audited(demo: Storage, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    urgent = demo.list_submissions(QueueFilter(urgent=True), page_size=1000)
    assert urgent.total > 0
    target = tmp_path / "urgent.ndjson"
    assert storage_main(["export", "--url", demo.url, "--output", str(target), "--format", "ndjson",
                         "--urgent"]) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    resources = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    responses = [r for r in resources if r["resourceType"] == "QuestionnaireResponse"]
    assert sorted(r["id"] for r in responses) == sorted(resource_id(row.reference) for row in urgent.rows)
    assert demo.list_audit(limit=1)[0].event == "exported"
    assert storage_main(["export", "--url", demo.url, "--output", str(target)]) == 2  # never overwritten
    assert capsys.readouterr().err.strip().splitlines()[-1].startswith("export: FileExistsError")


def test_demo_rows_say_they_are_demo_and_old_demo_urgents_do_not_flood_the_urgent_list(
        demo: Storage, questionnaire: Questionnaire) -> None:
    with demo.engine.connect() as connection:
        rows = connection.execute(select(submissions)).mappings().all()
    assert len(rows) == 600
    assert all(row["tablet"] == DEMO_TABLET for row in rows)
    assert all(row["reference"].startswith("D") and row["idempotency_key"].startswith("demo-") for row in rows)
    day_ago = utc_now() - timedelta(days=1)
    open_urgent = demo.open_urgent(page=1, page_size=1000)
    assert all(row.tablet == DEMO_TABLET and row.created_at >= day_ago for row in open_urgent.rows)
    old_urgent = [row for row in rows if row["urgent"] and row["acknowledged_at"] is not None]
    assert old_urgent and all(row["acknowledged_by"] == DEMO_ACTOR for row in old_urgent)
    fill(demo, 50, questionnaire=questionnaire)  # a second run adds, never clashes
    assert demo.list_submissions(QueueFilter(), count_cap=10_000).total == 650


def test_chart_counts_past_days_once_but_today_on_every_call(demo: Storage, make_result: Any) -> None:
    since = utc_now().date() - timedelta(weeks=6)
    first = demo.daily_counts(since)
    assert sum(count for _, _, count in first) == 600
    saved = demo.save_submission(idempotency_key="today-1", result=make_result("sensory"), language="en")
    after = demo.daily_counts(since)
    assert sum(count for _, _, count in after) == 601
    assert (saved.created_at.date(), saved.result.tier) in {(day, tier) for day, tier, _ in after}
