"""The screen's accuracy on a large database, SQLite and PostgreSQL: the accuracy
aggregate against the same three SQL statements run bare, and saving one examination (checks,
insert, red-flag findings, audit row) against a bare insert + audit on the DB-API connection.

    python -m bench accuracy                                   20,000 screenings, 2,000 examined
    python -m bench.bench_accuracy --rows 1000000 --examined 100000 [--engines sqlite,postgresql]

Target: the accuracy query p95 <= 500 ms at 1,000,000 screenings with 100,000 examinations.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

from bench.bench_scale import Bare, paired, postgres, report
from scoring import load_questionnaire
from scoring.examination import ExaminationFindings, check_findings, read_findings
from storage import Storage
from storage.demo import DEMO_TABLET, fill, fill_examinations
from storage.engine import utc_now
from storage.examinations import accuracy, accuracy_statements, save_examination
from storage.schema import audit_events, examinations, submissions

REPO = Path(__file__).resolve().parents[1]


def run_engine(name: str, url: str, rows: int, examined: int) -> None:
    print(f"-- {name}, {rows:,} screenings, {examined:,} examined", flush=True)
    storage = Storage(url)
    questionnaire = load_questionnaire(REPO / "questionnaires" / "crps.yaml")
    with storage.engine.connect() as connection:
        have = connection.execute(select(func.count()).select_from(submissions)
                                  .where(submissions.c.tablet == DEMO_TABLET)).scalar_one()
        exams = connection.execute(select(func.count()).select_from(examinations)).scalar_one()
    if have < rows:
        started = time.perf_counter()
        fill(storage, rows - have, questionnaire=questionnaire)
        print(f"  demo fill: {rows - have:,} screenings in {time.perf_counter() - started:.1f} s", flush=True)
    if exams < examined:
        started = time.perf_counter()
        made = fill_examinations(storage, questionnaire, share=(examined - exams) / rows, seed=7)
        print(f"  demo examinations: {made:,} in {time.perf_counter() - started:.1f} s", flush=True)
    if storage.engine.dialect.name == "postgresql":  # what autovacuum does after a bulk load
        with storage.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in ("submissions", "examinations", "examination_red_flags"):
                connection.execute(text(f"VACUUM ANALYZE {table}"))
    bare = Bare(storage)
    figures = accuracy(storage)  # one version per questionnaire version present
    screenings, examined_now = sum(one.screenings for one in figures), sum(one.examined for one in figures)
    report(f"accuracy, all dates ({screenings:,} screenings, {examined_now:,} examined)",
           paired(lambda: accuracy(storage), lambda: bare.run(*accuracy_statements())), 500)
    since = utc_now().date().replace(day=1)
    report(f"accuracy, from {since}", paired(lambda: accuracy(storage, date_from=since),
                                              lambda: bare.run(*accuracy_statements(since))), 500)
    bare.raw.close()
    _saving(storage, questionnaire)


def _saving(storage: Storage, questionnaire: Any) -> None:
    """One examination saved as the form does (checked, counted, inserted, audited) vs the bare
    insert of the same row and its audit row in one transaction."""
    with storage.engine.connect() as connection:
        rows = connection.execute(select(submissions.c.id, submissions.c.reference)
                                  .where(submissions.c.urgent.is_(False)).limit(200)).all()
    targets = iter(list(rows) * 4)
    result = storage.get_submission(rows[0][0])
    assert result is not None
    findings = ExaminationFindings(frozenset({"oedema", "hyperalgesia_pinprick"}), "no", "meets_budapest_clinical")

    def ours() -> None:
        submission_id, reference = next(targets)
        check_findings(questionnaire, result.result, findings)
        score = read_findings(questionnaire, result.result, findings).severity_score
        save_examination(storage, submission_id=submission_id, reference=reference, findings=findings,
                         severity_score=score, clinician="bench", clinician_name="Bench Clinician")

    raw: Any = storage.engine.raw_connection()
    dialect = storage.engine.dialect

    def bare() -> None:
        submission_id, reference = next(targets)
        now = utc_now()
        cursor = raw.cursor()
        for statement in (
            insert(examinations).values(
                submission_id=submission_id, submission_reference=reference, recorded_at=now, clinician="bench",
                clinician_name="Bench Clinician", signs=["hyperalgesia_pinprick", "oedema"],
                criterion_d="no", other_diagnosis="", conclusion="meets_budapest_clinical", severity_score=5,
                questionnaire_version=questionnaire.version, tier="referral_suggested", screened_at=now),
            insert(audit_events).values(at=now, actor="bench", event="examination_recorded",
                                        submission_id=submission_id, detail="bare"),
        ):
            compiled = statement.compile(dialect=dialect)
            params = compiled.construct_params()
            processors: Any = compiled._bind_processors
            values = {key: processors[key](value) if key in processors else value for key, value in params.items()}
            if dialect.paramstyle == "qmark":
                cursor.execute(str(compiled), tuple(values[name] for name in compiled.positiontup or ()))
            else:
                cursor.execute(str(compiled), values)
        cursor.close()
        raw.commit()

    report("save one examination (vs bare insert + audit)", paired(ours, bare))
    raw.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_accuracy")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--examined", type=int, default=None, help="default: a tenth of --rows")
    parser.add_argument("--sqlite-url")
    parser.add_argument("--postgres-url")
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args([] if argv is None else argv)
    examined = args.examined if args.examined is not None else args.rows // 10
    engines = args.engines.split(",")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if "sqlite" in engines:
            run_engine("SQLite", args.sqlite_url or f"sqlite:///{folder / 'accuracy.db'}", args.rows, examined)
        if "postgresql" in engines:
            with postgres(args.postgres_url) as url:
                if url is None:
                    print("-- PostgreSQL: server binaries not installed, skipped")
                else:
                    run_engine("PostgreSQL", url, args.rows, examined)


if __name__ == "__main__":
    main(sys.argv[1:])
