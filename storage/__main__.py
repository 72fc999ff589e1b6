"""`python -m storage VERB`: database chores from the command line.

    python -m storage migrate [--url URL]                  bring the schema to the latest revision
    python -m storage accuracy [--from DAY] [--to DAY] [--format table|json] [--url URL]
    python -m storage demo-data --count N [--url URL] [--days D] [--force]   made-up screenings
                             (refuses a database with real screenings unless --force)
    python -m storage export --output FILE [--from DAY] [--to DAY] [--tier T] [--status S]
                             [--urgent | --not-urgent] [--reference R] [--format csv|ndjson]
                             [--max-rows N] [--url URL]      a new file, owner-only (0600)
    python -m storage backup [--to DIR] [--url URL]         a checked copy (BACKUP_DIR), then rotation
    python -m storage verify FILE                           check a copy without restoring it
    python -m storage restore FILE --to URL [--force]       restore a copy, migrate, compare row counts
    python -m storage purge [--older-than 7y] [--dry-run | --yes] [--url URL]   retention (audited)

Settings (DATABASE_URL, QUESTIONNAIRE, ...) are read and checked first: a bad one is one line
and exit status 2, as is any failure here.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date

from scoring import load_questionnaire
from settings import Settings, settings_or_exit
from storage import STATUSES, QueueFilter, Storage, backup_verbs, migrations
from storage.demo import fill, refuse_real_database
from storage.engine import check_engine, check_sqlite_file, prepare_sqlite_file
from storage.export import EXPORT_FORMATS, describe_filter, rare_full_collections
from storage.reads import COUNT_CAP


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storage")
    verbs = parser.add_subparsers(dest="verb", required=True)
    migrate = verbs.add_parser("migrate", help="bring the database schema to the latest revision")
    migrate.add_argument("--url", default=None, help="database URL (default: DATABASE_URL or data/screening.db)")
    demo = verbs.add_parser("demo-data", help="insert made-up screenings (never real patients)")
    demo.add_argument("--count", type=_positive, default=1000)
    demo.add_argument("--days", type=int, default=42)
    demo.add_argument("--examined-share", type=float, default=0.1, help="made-up examinations for this share")
    demo.add_argument("--url", default=None, help="database URL (default: DATABASE_URL or data/screening.db)")
    demo.add_argument("--force", action="store_true", help="add demo rows even beside real screenings")
    export = verbs.add_parser("export", help="write screenings to a file (audited), a chunk at a time")
    export.add_argument("--output", required=True, metavar="FILE")
    export.add_argument("--format", choices=sorted(EXPORT_FORMATS), default="csv")
    export.add_argument("--from", dest="date_from", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="first day, the clinic's (CLINIC_TIMEZONE)")
    export.add_argument("--to", dest="date_to", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="last day, the clinic's (CLINIC_TIMEZONE)")
    export.add_argument("--tier", default=None)
    export.add_argument("--status", choices=STATUSES, default=None)
    urgent = export.add_mutually_exclusive_group()
    urgent.add_argument("--urgent", dest="urgent", action="store_const", const=True, default=None)
    urgent.add_argument("--not-urgent", dest="urgent", action="store_const", const=False)
    export.add_argument("--max-rows", type=_positive, default=None,
                        help="refuse when more screenings match (default: no limit)")
    export.add_argument("--reference", default=None, help="a whole reference code, or its first characters")
    export.add_argument("--url", default=None, help="database URL (default: DATABASE_URL or data/screening.db)")
    _accuracy_verb(verbs)
    backup_verbs.add_verbs(verbs)
    args = parser.parse_args(argv)
    settings = settings_or_exit(args.verb)
    if args.verb in backup_verbs.VERBS:
        return backup_verbs.run(args, settings)
    url = args.url or settings.database_url
    started = time.perf_counter()
    try:
        if args.verb == "migrate":
            check_engine(url)
            prepare_sqlite_file(url)  # a new SQLite file: 0600 in a 0700 folder
            check_sqlite_file(url)  # PRAGMA quick_check: a damaged file is one line, exit 2
            before = migrations.current_revision(url) or "none"
            migrations.upgrade(url)
            print(f"migrate: database at revision {migrations.head_revision()} (was {before})", file=sys.stderr)
            return 0
        if args.verb == "accuracy":
            return _accuracy(args, Storage(url))
        if args.verb == "export":
            return _export(args, Storage(url), settings)
        demo_storage = Storage(url)
        refuse_real_database(demo_storage, force=args.force)  # demo rows never mix into a clinic's list
        count = fill(demo_storage, args.count, days=args.days, questionnaire=load_questionnaire(settings.questionnaire),
                     examined_share=args.examined_share)
    except Exception as exc:  # a one-line message, never a traceback
        print(f"{args.verb}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    print(f"demo-data: {count} made-up screenings in {elapsed:.1f} s ({count / max(elapsed, 1e-9):,.0f} rows/s)",
          file=sys.stderr)
    return 0


def _positive(text: str) -> int:
    """--count: a whole number of at least 1 (argparse turns the ValueError into one line, exit 2)."""
    number = int(text)
    if number < 1:
        raise ValueError(text)
    return number


_positive.__name__ = "positive whole number"  # argparse names the type in its one-line error


def _export(args: argparse.Namespace, storage: Storage, settings: Settings) -> int:
    query = QueueFilter(date_from=args.date_from, date_to=args.date_to, tier=args.tier, urgent=args.urgent,
                        status=args.status, reference=args.reference)
    limit = args.max_rows  # EXPORT_MAX_ROWS is the coordinator page's limit, not this command's
    zone = settings.clinic_timezone  # --from and --to are the clinic's days
    if limit is not None:
        page = storage.list_submissions(query, page_size=1, count_cap=max(limit, COUNT_CAP), zone=zone)
        matched = f"{page.total}+" if page.total_is_capped else str(page.total)
        if page.total > limit or page.total_is_capped:
            print(f"export: {matched} screenings match, more than the {limit} allowed (--max-rows); "
                  "narrow the dates", file=sys.stderr)
            return 2
    questionnaire = load_questionnaire(settings.questionnaire)
    descriptor = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # new, owner only
    with open(descriptor, "w", encoding="utf-8", newline="") as out, rare_full_collections():
        written = EXPORT_FORMATS[args.format](storage, query, out, questionnaire=questionnaire, zone=zone)
    storage.record_event("exported", actor="command line",
                         detail=f"{written} rows, {args.format}, {describe_filter(query)}")
    print(f"export: {written} screenings to {args.output}", file=sys.stderr)
    return 0


def _accuracy_verb(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    accuracy = verbs.add_parser("accuracy", help="the screen's accuracy per questionnaire version (audited)")
    accuracy.add_argument("--from", dest="date_from", type=date.fromisoformat, metavar="YYYY-MM-DD")
    accuracy.add_argument("--to", dest="date_to", type=date.fromisoformat, metavar="YYYY-MM-DD")
    accuracy.add_argument("--format", choices=("table", "json"), default="table")
    accuracy.add_argument("--url", default=None, help="database URL (default: DATABASE_URL or data/screening.db)")


def _accuracy(args: argparse.Namespace, storage: Storage) -> int:
    """Counts only (no patient in them), to standard output; the look is audited."""
    import json

    from scoring.accuracy import VERIFICATION_BIAS, as_text
    from storage.examinations import accuracy

    figures = accuracy(storage, date_from=args.date_from, date_to=args.date_to)
    storage.record_event("accuracy_viewed", actor="command line",
                         detail=f"from {args.date_from or 'start'} to {args.date_to or 'today'}")
    if args.format == "json":
        print(json.dumps({"note": VERIFICATION_BIAS, "versions": [v.as_dict() for v in figures]}, indent=2))
    else:
        print(as_text(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
