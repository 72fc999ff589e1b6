"""Backups: a consistent copy of the live database, checked, then kept and rotated.

    backup(url, folder, key=..., keep_daily=14, keep_weekly=8)   one new copy, then rotation
    last_good_backup(engine)     when the newest good copy was made (one indexed query)

`storage.backup_restore` verifies and restores a copy; `storage.backup_sqlite` and
`storage.backup_postgresql` do each engine's part, `storage.backup_files` the careful file handling.

A copy is a folder `backup-<UTC time>/` holding the database file and `manifest.json` (engine,
schema revision, row counts of every table, questionnaire versions, time, SHA-256). It is built
in `.partial-backup-...-<pid>/` and renamed to its final name only once complete and checked, so
a copy under a final name is always whole; rotation runs only after a good new copy.

SQLite: the online backup API in one step (a read transaction: in WAL mode the app keeps
saving meanwhile; the copy holds every save committed before it started). PostgreSQL: `pg_dump`
custom format on an exported snapshot, the row counts read in that same snapshot.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from storage import audit
from storage.backup_crypt import seal
from storage.backup_files import (
    MANIFEST,
    SEALED,
    BackupError,
    first_line,
    flush,
    fsync_folder,
    locked,
    new_private_file,
    private_folder,
    sha256,
)
from storage.backup_postgresql import dump_postgresql
from storage.backup_sqlite import copy_sqlite
from storage.engine import aware, utc_now
from storage.schema import audit_events

BACKUP_EVENT = "backed_up"
WARN_AFTER = timedelta(hours=26)  # a daily backup plus two hours' slack
_FINAL = re.compile(r"backup-(\d{8}T\d{6}\.\d{3})Z")
_PARTIAL = re.compile(r"\.partial-backup-.*-(\d+)")
_FILE_NAMES = {"sqlite": "screening.sqlite3", "postgresql": "screening.pgdump"}


@dataclass(frozen=True)
class BackupDone:
    folder: Path
    file: Path
    manifest: dict[str, Any]
    deleted: list[Path] = field(default_factory=list)
    not_recorded: str | None = None  # why the audit row was not written (the copy is still good)


# -- making a copy ----------------------------------------------------------------------------


def backup(url: str, to: Path, *, key: bytes | None = None, keep_daily: int = 14, keep_weekly: int = 8,
           now: datetime | None = None, record: bool = True, pg_kb_per_second: int = 0) -> BackupDone:
    """Make one checked copy of the database at `url` under folder `to`, then rotate.
    `pg_kb_per_second` caps how fast a PostgreSQL dump is written (0: no cap), so the clinic's
    saves keep their speed while it runs. Raises `BackupError` (one line) and deletes nothing
    when the copy fails."""
    engine_name = make_url(url).get_backend_name()
    if engine_name not in _FILE_NAMES:
        raise BackupError(f"cannot back up a {engine_name} database (SQLite and PostgreSQL only)")
    private_folder(to)
    moment = now or datetime.now(UTC)
    with locked(to):
        final = to / f"backup-{moment:%Y%m%dT%H%M%S}.{moment.microsecond // 1000:03d}Z"
        if final.exists():
            raise BackupError(f"{final.name} already exists; try again in a moment")
        partial = to / f".partial-{final.name}-{os.getpid()}"
        partial.mkdir(mode=0o700)
        try:
            plain = partial / _FILE_NAMES[engine_name]
            if engine_name == "sqlite":
                tables, revision, versions = copy_sqlite(url, plain)
            else:
                tables, revision, versions = dump_postgresql(url, plain, pg_kb_per_second)
            plain_sha = sha256(plain)
            stored = plain
            if key is not None:
                stored = plain.with_name(plain.name + SEALED)
                with new_private_file(stored) as out:
                    seal(plain, out, key)
                    flush(out)
                plain.unlink()
            manifest = {
                "format": 1, "engine": engine_name, "file": stored.name, "created_at": moment.isoformat(),
                "schema_revision": revision, "tables": tables, "questionnaire_versions": versions,
                "encrypted": key is not None,
                "encryption": "AES-256-GCM, 1 MiB chunks (storage/backup_crypt.py)" if key is not None else None,
                "size": stored.stat().st_size, "sha256": sha256(stored) if key is not None else plain_sha,
                "plain_sha256": plain_sha,
            }
            with new_private_file(partial / MANIFEST) as out:
                out.write(json.dumps(manifest, indent=2, sort_keys=True).encode())
                flush(out)
            fsync_folder(partial)
            partial.rename(final)  # the commit point: a final name only for a whole, checked copy
            fsync_folder(to)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        not_recorded = None
        if record:
            try:
                _record(url, final, manifest)
            except Exception as exc:  # e.g. a read-only database: the copy is good all the same
                not_recorded = f"{type(exc).__name__}: {first_line(str(exc))}"
        deleted = rotate(to, keep_daily=keep_daily, keep_weekly=keep_weekly, newest=final)
    return BackupDone(final, final / stored.name, manifest, deleted, not_recorded)


def _record(url: str, final: Path, manifest: dict[str, Any]) -> None:
    """Note the good copy in the live database's audit trail (the staff pages read the newest)."""
    screenings = manifest["tables"].get("submissions", 0)
    detail = (f"{final.name}: {screenings} screenings, {manifest['size']} bytes, "
              f"{'encrypted' if manifest['encrypted'] else 'unencrypted'}")
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            audit.write(connection, BACKUP_EVENT, "command line", None, detail, utc_now())
    finally:
        engine.dispose()


def last_good_backup(engine: Engine) -> datetime | None:
    """When the newest good copy was made (None: never), from the audit index (event, at)."""
    with engine.connect() as connection:
        moment = connection.execute(
            select(func.max(audit_events.c.at)).where(audit_events.c.event == BACKUP_EVENT)).scalar_one_or_none()
    if not isinstance(moment, datetime):
        return None
    return aware(moment)


# -- rotation ---------------------------------------------------------------------------------


def good_copies(folder: Path) -> list[tuple[datetime, Path]]:
    """Final copy folders (with their manifest), newest first."""
    found = []
    for path in folder.iterdir() if folder.is_dir() else []:
        matched = _FINAL.fullmatch(path.name)
        if matched and path.is_dir() and (path / MANIFEST).is_file():
            found.append((datetime.strptime(matched[1], "%Y%m%dT%H%M%S.%f").replace(tzinfo=UTC), path))
    return sorted(found, reverse=True)


def rotate(folder: Path, *, keep_daily: int, keep_weekly: int, newest: Path) -> list[Path]:
    """Keep the newest copy of each of the last `keep_daily` days and `keep_weekly` ISO weeks
    that have copies (UTC), and always `newest`; delete the other copies and dead partials."""
    copies = good_copies(folder)
    keep = {newest}
    days: set[object] = set()
    weeks: set[object] = set()
    for moment, path in copies:
        day, week = moment.date(), moment.isocalendar()[:2]
        if day not in days and len(days) < keep_daily:
            days.add(day)
            keep.add(path)
        if week not in weeks and len(weeks) < keep_weekly:
            weeks.add(week)
            keep.add(path)
    deleted = [path for _, path in copies if path not in keep]
    for path in folder.iterdir():
        matched = _PARTIAL.fullmatch(path.name)
        if matched and not _alive(int(matched[1])):
            deleted.append(path)  # left by a backup that was killed
    for path in deleted:
        shutil.rmtree(path, ignore_errors=True)
    return deleted


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
