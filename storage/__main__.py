"""`python -m storage VERB`: database chores from the command line.

    python -m storage migrate [--url URL]                  bring the schema to the latest revision
    python -m storage demo-data --count N [--url URL] [--days D]   made-up screenings
    python -m storage export --output FILE [--format csv|ndjson] [--from DAY] [--to DAY]
        [--tier T] [--status S] [--urgent | --not-urgent] [--reference R] [--url URL]
                                   stream any number of screenings to a new file (0600), audited

Settings (DATABASE_URL, QUESTIONNAIRE, ...) are read and checked first: a bad one is one line
and exit status 2, as is any failure here.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date

from scoring import Questionnaire, load_questionnaire
from settings import settings_or_exit
from storage import migrations
from storage.database import Storage, prepare_sqlite_file
from storage.demo import fill
from storage.export import write_ndjson
from storage.records import QueueFilter


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storage")
    verbs = parser.add_subparsers(dest="verb", required=True)
    migrate = verbs.add_parser("migrate", help="bring the database schema to the latest revision")
    migrate.add_argument("--url", default=None, help="database URL (default: DATABASE_URL or data/screening.db)")
    demo = verbs.add_parser("demo-data", help="insert made-up screenings (never real patients)")
    demo.add_argument("--count", type=int, default=1000)
    demo.add_argument("--days", type=int, default=42)
    demo.add_argument("--url", default=None, help="database URL (default: DATABASE_URL or data/screening.db)")
    export = verbs.add_parser("export", help="write screenings to a new file, streamed (any number of rows)")
    export.add_argument("--output", required=True, help="the file to create (refused if it exists)")
    export.add_argument("--format", choices=("csv", "ndjson"), default="csv", help="CSV, or FHIR R4 NDJSON")
    export.add_argument("--from", dest="date_from", type=date.fromisoformat, help="first UTC day, YYYY-MM-DD")
    export.add_argument("--to", dest="date_to", type=date.fromisoformat, help="last UTC day, YYYY-MM-DD")
    export.add_argument("--tier")
    export.add_argument("--status")
    export.add_argument("--urgent", dest="urgent", action="store_const", const=True, default=None)
    export.add_argument("--not-urgent", dest="urgent", action="store_const", const=False)
    export.add_argument("--reference")
    export.add_argument("--url", default=None, help="database URL (default: DATABASE_URL or data/screening.db)")
    args = parser.parse_args(argv)
    settings = settings_or_exit(args.verb)
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
            return _export(args, Storage(url, migrate=False), load_questionnaire(settings.questionnaire), started)
        count = fill(Storage(url), args.count, days=args.days, questionnaire=load_questionnaire(settings.questionnaire))
    except Exception as exc:  # a one-line message, never a traceback
        print(f"{args.verb}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    print(f"demo-data: {count} made-up screenings in {elapsed:.1f} s ({count / max(elapsed, 1e-9):,.0f} rows/s)",
          file=sys.stderr)
    return 0


def _export(args: argparse.Namespace, storage: Storage, questionnaire: Questionnaire, started: float) -> int:
    """Stream the matching rows into a new 0600 file (keyset chunks: memory does not grow)."""
    query = QueueFilter(date_from=args.date_from, date_to=args.date_to, tier=args.tier, urgent=args.urgent,
                        status=args.status, reference=args.reference)
    descriptor = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # patient data: owner only
    with open(descriptor, "w", encoding="utf-8", newline="") as out:
        if args.format == "csv":
            rows = storage.export_csv(query, out, item_ids=[item.id for item in questionnaire.items])
        else:
            rows = write_ndjson(storage.iter_export_rows(query), out, questionnaire=questionnaire)
    storage.record_event("exported", actor="command-line", detail=f"{rows} rows as {args.format}; filter {query}")
    print(f"export: {rows} screenings to {args.output} ({args.format}) in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
