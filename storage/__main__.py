"""`python -m storage VERB`: database chores from the command line.

    python -m storage migrate [--url URL]                  bring the schema to the latest revision
    python -m storage demo-data --count N [--url URL] [--days D]   made-up screenings
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
from storage import STATUSES, QueueFilter, backup_verbs, migrations
from storage.database import COUNT_CAP, Storage, prepare_sqlite_file
from storage.demo import fill
from storage.export import EXPORT_FORMATS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storage")
    verbs = parser.add_subparsers(dest="verb", required=True)
    migrate = verbs.add_parser("migrate", help="bring the database schema to the latest revision")
    migrate.add_argument("--url", default=None, help="database URL (default: DATABASE_URL or data/screening.db)")
    demo = verbs.add_parser("demo-data", help="insert made-up screenings (never real patients)")
    demo.add_argument("--count", type=int, default=1000)
    demo.add_argument("--days", type=int, default=42)
    demo.add_argument("--url", default=None, help="database URL (default: DATABASE_URL or data/screening.db)")
    export = verbs.add_parser("export", help="write screenings to a file (audited), a chunk at a time")
    export.add_argument("--output", required=True, metavar="FILE")
    export.add_argument("--format", choices=sorted(EXPORT_FORMATS), default="csv")
    export.add_argument("--from", dest="date_from", type=date.fromisoformat, metavar="YYYY-MM-DD")
    export.add_argument("--to", dest="date_to", type=date.fromisoformat, metavar="YYYY-MM-DD")
    export.add_argument("--tier", default=None)
    export.add_argument("--status", choices=STATUSES, default=None)
    urgent = export.add_mutually_exclusive_group()
    urgent.add_argument("--urgent", dest="urgent", action="store_const", const=True, default=None)
    urgent.add_argument("--not-urgent", dest="urgent", action="store_const", const=False)
    export.add_argument("--max-rows", type=int, default=None, help="default: EXPORT_MAX_ROWS")
    export.add_argument("--reference", default=None, help="a whole reference code, or its first characters")
    export.add_argument("--url", default=None, help="database URL (default: DATABASE_URL or data/screening.db)")
    backup_verbs.add_verbs(verbs)
    args = parser.parse_args(argv)
    settings = settings_or_exit(args.verb)
    if args.verb in backup_verbs.VERBS:
        return backup_verbs.run(args, settings)
    url = args.url or settings.database_url
    started = time.perf_counter()
    try:
        if args.verb == "migrate":
            prepare_sqlite_file(url)  # a new SQLite file: 0600 in a 0700 folder
            before = migrations.current_revision(url) or "none"
            migrations.upgrade(url)
            print(f"migrate: database at revision {migrations.head_revision()} (was {before})", file=sys.stderr)
            return 0
        if args.verb == "export":
            return _export(args, Storage(url), settings)
        count = fill(Storage(url), args.count, days=args.days, questionnaire=load_questionnaire(settings.questionnaire))
    except Exception as exc:  # a one-line message, never a traceback
        print(f"{args.verb}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    print(f"demo-data: {count} made-up screenings in {elapsed:.1f} s ({count / max(elapsed, 1e-9):,.0f} rows/s)",
          file=sys.stderr)
    return 0


def _export(args: argparse.Namespace, storage: Storage, settings: Settings) -> int:
    query = QueueFilter(date_from=args.date_from, date_to=args.date_to, tier=args.tier, urgent=args.urgent,
                        status=args.status, reference=args.reference)
    limit = args.max_rows or settings.export_max_rows
    page = storage.list_submissions(query, page_size=1, count_cap=max(limit, COUNT_CAP))  # capped if unfiltered
    matched = f"{page.total}+" if page.total_is_capped else str(page.total)
    if page.total > limit or page.total_is_capped:
        print(f"export: {matched} screenings match, more than the {limit} allowed (EXPORT_MAX_ROWS or --max-rows); "
              "narrow the dates", file=sys.stderr)
        return 2
    questionnaire = load_questionnaire(settings.questionnaire)
    descriptor = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # new, owner only
    with open(descriptor, "w", encoding="utf-8", newline="") as out:
        written = EXPORT_FORMATS[args.format](storage.iter_export_rows(query), out, questionnaire=questionnaire)
    storage.record_event("exported", actor="command line", detail=f"{written} rows, {args.format}, {query}")
    print(f"export: {written} screenings to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
