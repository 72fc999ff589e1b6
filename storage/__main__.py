"""`python -m storage demo-data --count N [--url URL] [--days D]`: fill a database with made-up
screenings for trying the app and for benchmarks."""

from __future__ import annotations

import argparse
import sys
import time

from storage.database import Storage, default_database_url
from storage.demo import fill


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storage")
    verbs = parser.add_subparsers(dest="verb", required=True)
    demo = verbs.add_parser("demo-data", help="insert made-up screenings (never real patients)")
    demo.add_argument("--count", type=int, default=1000)
    demo.add_argument("--days", type=int, default=42)
    demo.add_argument("--url", default=None, help="database URL (default: DATABASE_URL or data/screening.db)")
    args = parser.parse_args(argv)
    url = args.url or default_database_url()
    started = time.perf_counter()
    try:
        count = fill(Storage(url), args.count, days=args.days)
    except Exception as exc:  # a one-line message, never a traceback
        print(f"demo-data: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return 2
    print(f"demo-data: {count} made-up screenings in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
