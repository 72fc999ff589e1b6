"""`python -m access set-passcode [--database URL]`: set the coordinator passcode.

Asks twice without echo (or reads one line from standard input when it is not a terminal),
and stores only the argon2id hash where the app reads it: the database.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from access.passcode import hash_passcode
from settings import settings_or_exit
from storage import MigrationError, Storage


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m access")
    verbs = parser.add_subparsers(dest="verb", required=True)
    command = verbs.add_parser("set-passcode", help="set the intake coordinator's passcode")
    command.add_argument("--database", default=None, help="database URL (default: DATABASE_URL or data/)")
    args = parser.parse_args(argv)
    settings = settings_or_exit("set-passcode")
    if sys.stdin.isatty():
        passcode = getpass.getpass("New coordinator passcode: ")
        if getpass.getpass("Again: ") != passcode:
            print("set-passcode: the two passcodes differ; nothing changed", file=sys.stderr)
            return 2
    else:
        passcode = sys.stdin.readline().rstrip("\r\n")
    try:
        passcode_hash = hash_passcode(passcode)
    except ValueError as exc:
        print(f"set-passcode: {exc}; nothing changed", file=sys.stderr)
        return 2
    try:
        Storage(args.database or settings.database_url).set_passcode_hash(passcode_hash)
    except MigrationError as exc:
        print(f"set-passcode: {exc}; nothing changed", file=sys.stderr)
        return 2
    print("set-passcode: saved (only its argon2id hash is stored)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
