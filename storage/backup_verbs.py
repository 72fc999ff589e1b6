"""The backup, verify, restore and purge verbs of `python -m storage` (one line per problem,
exit status 2; a restore whose row counts differ from the manifest exits 1)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

from settings import Settings
from storage import backup, backup_restore, retention
from storage.backup_crypt import key_bytes
from storage.backup_files import BackupError

VERBS = ("backup", "verify", "restore", "purge")
_URL_HELP = "database URL (default: DATABASE_URL or data/screening.db)"


def add_verbs(verbs: Any) -> None:
    made = verbs.add_parser("backup", help="a checked copy of the database while the app runs, then rotation")
    made.add_argument("--to", type=Path, default=None, metavar="DIR", help="default: BACKUP_DIR")
    made.add_argument("--url", default=None, help=_URL_HELP)
    check = verbs.add_parser("verify", help="check a copy (manifest, checksum, contents) without restoring it")
    check.add_argument("file", type=Path, metavar="FILE", help="a copy's folder or the database file in it")
    put = verbs.add_parser("restore", help="restore a checked copy into an empty database, then migrate it")
    put.add_argument("file", type=Path, metavar="FILE", help="a copy's folder or the database file in it")
    put.add_argument("--to", dest="target", required=True, metavar="URL", help="the database to restore into")
    put.add_argument("--force", action="store_true", help="replace a database that is not empty")
    purge = verbs.add_parser("purge", help="remove screenings older than the retention period (audited)")
    purge.add_argument("--older-than", default=None, metavar="PERIOD",
                       help="e.g. 7y, 84m, 2557d (default and shortest allowed: RETENTION_PERIOD)")
    mode = purge.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="count only; needed the same day before a real run")
    mode.add_argument("--yes", action="store_true", help="remove without a dry run today")
    purge.add_argument("--url", default=None, help=_URL_HELP)


def run(args: argparse.Namespace, settings: Settings) -> int:
    key = key_bytes(settings.backup_key) if settings.backup_key else None
    started = time.perf_counter()
    try:
        if args.verb == "backup":
            return _backup(args.url or settings.database_url, args.to or settings.backup_dir, key, settings, started)
        if args.verb == "verify":
            manifest = backup_restore.verify(args.file, key)
            print(f"verify: {args.file} is good: {manifest['engine']}, made {manifest['created_at']}, schema "
                  f"{manifest['schema_revision'] or '1.0'}, {manifest['tables'].get('submissions', 0)} screenings"
                  + ("" if key or not manifest["encrypted"] else " (encrypted: checksum only, no BACKUP_KEY)"),
                  file=sys.stderr)
            return 0
        if args.verb == "restore":
            return _restore(args, key)
        return _purge(args, settings)
    except (BackupError, retention.RetentionError) as exc:
        print(f"{args.verb}: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a one-line message, never a traceback
        print(f"{args.verb}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return 2


def _backup(url: str, folder: Path, key: bytes | None, settings: Settings, started: float) -> int:
    os.nice(10)  # the app's saves come first: the copy, checks and encryption yield the CPU (pg_dump too)
    if key is None:
        print("backup: BACKUP_KEY is not set: this copy is UNENCRYPTED (keep it on a disk only the clinic "
              "can read)", file=sys.stderr)
    done = backup.backup(url, folder, key=key, keep_daily=settings.backup_keep_daily,
                         keep_weekly=settings.backup_keep_weekly,
                         pg_kb_per_second=settings.backup_pg_kb_per_second)
    manifest = done.manifest
    print(f"backup: {done.file} ({manifest['size']:,} bytes, {manifest['tables'].get('submissions', 0)} screenings, "
          f"{'encrypted' if manifest['encrypted'] else 'unencrypted'}) in {time.perf_counter() - started:.1f} s; "
          f"checked; {len(done.deleted)} old copies removed by rotation", file=sys.stderr)
    if done.not_recorded:
        print(f"backup: the copy is good but was not recorded in the audit trail ({done.not_recorded}): "
              "the staff pages will not show it", file=sys.stderr)
        return 1
    return 0


def _restore(args: argparse.Namespace, key: bytes | None) -> int:
    rows = backup_restore.restore(args.file, args.target, key=key, force=args.force)
    print(f"{'table':<24} {'in copy':>12} {'restored':>12}", file=sys.stderr)
    differ = []
    for name, expected, found in rows:
        now = -1 if found is None else found
        mark = ""
        if name != "alembic_version" and now < expected:
            mark = "  ROWS MISSING"
            differ.append(name)
        elif name != "alembic_version" and now > expected:
            mark = f"  +{now - expected} (added by the upgrade to the current schema)"
        shown = "-" if found is None else str(found)
        print(f"{name:<24} {expected:>12} {shown:>12}{mark}", file=sys.stderr)
    if differ:
        print(f"restore: fewer rows than the manifest in {', '.join(differ)}", file=sys.stderr)
        return 1
    print("restore: every row of the copy is in the database, now at the current schema", file=sys.stderr)
    return 0


def _purge(args: argparse.Namespace, settings: Settings) -> int:
    from storage import Storage  # migrates like every verb that writes

    period = (args.older_than or settings.retention_period).strip().lower()
    retention.check_period(period, settings.retention_period)
    engine = Storage(args.url or settings.database_url).engine
    cutoff = retention.cutoff_for(period)
    if args.dry_run:
        count = retention.plan(engine, cutoff)
        retention.record_preview(engine, count, period)
        print(f"purge (dry run): would remove {count.summary()}", file=sys.stderr)
        return 0
    if not args.yes and not retention.previewed_today(engine, period):
        print("purge: run it with --dry-run first today (or add --yes); nothing removed", file=sys.stderr)
        return 2
    count = retention.purge(engine, cutoff, period)
    print(f"purge: removed {count.summary()}", file=sys.stderr)
    return 0
