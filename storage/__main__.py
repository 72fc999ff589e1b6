"""`python -m storage VERB`: database chores from the command line.

    python -m storage migrate [--url URL]                  bring the schema to the latest revision
    python -m storage demo-data --count N [--url URL] [--days D]   made-up screenings

Settings (DATABASE_URL, QUESTIONNAIRE, ...) are read and checked first: a bad one is one line
and exit status 2, as is any failure here.
"""

from __future__ import annotations

import argparse
import sys
import time

from scoring import load_questionnaire
from settings import settings_or_exit
from storage import migrations
from storage.database import Storage, prepare_sqlite_file
from storage.demo import fill


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storage")
    verbs = parser.add_subparsers(dest="verb", required=True)
    migrate = verbs.add_parser("migrate", help="bring the database schema to the latest revision")
    migrate.add_argument("--url", default=None, help="database URL (default: DATABASE_URL or data/screening.db)")
    demo = verbs.add_parser("demo-data", help="insert made-up screenings (never real patients)")
    demo.add_argument("--count", type=int, default=1000)
    demo.add_argument("--days", type=int, default=42)
    demo.add_argument("--url", default=None, help="database URL (default: DATABASE_URL or data/screening.db)")
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
        count = fill(Storage(url), args.count, days=args.days, questionnaire=load_questionnaire(settings.questionnaire))
    except Exception as exc:  # a one-line message, never a traceback
        print(f"{args.verb}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return 2
    print(f"demo-data: {count} made-up screenings in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
