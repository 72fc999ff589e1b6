"""SQLite copies: the online backup API in one step (a read transaction: in WAL mode the app keeps
saving meanwhile; the copy holds every save committed before it started), the copy's check
(integrity_check, row counts, schema revision, questionnaire versions), and putting a copy in
place of the database file."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.backup_files import BackupError, flush, fsync_file, fsync_folder, new_private_file


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("DATABASE_URL must name a SQLite file to back up or restore")
    return Path(database)


def copy_sqlite(url: str, plain: Path) -> tuple[dict[str, int], str | None, list[str]]:
    source_path = sqlite_path(url)
    if not source_path.is_file():
        raise BackupError(f"no SQLite database at {source_path}")
    with new_private_file(plain):
        pass
    source = sqlite3.connect(source_path, timeout=60)
    copy = sqlite3.connect(plain)
    try:
        source.execute("PRAGMA busy_timeout=60000")
        source.backup(copy)  # one step: one read transaction, writers carry on (WAL)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        copy.commit()
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite backup failed: {exc}") from None
    finally:
        source.close()
        copy.close()
    os.chmod(plain, 0o600)
    fsync_file(plain)
    return check_sqlite_file(plain)


def check_sqlite_file(path: Path) -> tuple[dict[str, int], str | None, list[str]]:
    """integrity_check, then (row counts per table, schema revision, questionnaire versions)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackupError(f"integrity_check failed on {path.name}: {problems[0]}")
        names = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        tables = {name: int(connection.execute(
            'SELECT count(*) FROM "{}"'.format(name.replace('"', '""'))).fetchone()[0])  # noqa: S608 - a quoted name from sqlite_master
            for name in names}
        revision = None
        if "alembic_version" in tables:
            found = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = found[0] if found else None
        versions: list[str] = []
        if "submissions" in tables:
            versions = [f"{qid} {version}" for qid, version in connection.execute(
                "SELECT DISTINCT questionnaire_id, questionnaire_version FROM submissions ORDER BY 1, 2")]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path.name} is not a readable SQLite database: {exc}") from None
    finally:
        connection.close()
    return tables, revision, versions


def restore_sqlite(plain: Path, url: str, *, move: bool) -> None:
    """Put `plain` in place of the target file (moved when it is our decrypted temporary file,
    else copied: the backup itself is never moved)."""
    target = sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = target.with_name(f".{target.name}.restore-{os.getpid()}")
    try:
        if move:
            os.replace(plain, partial)
            fsync_file(partial)
        else:
            with plain.open("rb") as source, new_private_file(partial) as out:
                shutil.copyfileobj(source, out, 1 << 20)
                flush(out)
        for leftover in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm"),
                         target.with_name(target.name + "-journal")):
            leftover.unlink(missing_ok=True)  # the replaced database's, never to be replayed on the copy
        os.replace(partial, target)
        fsync_folder(target.parent)
    finally:
        partial.unlink(missing_ok=True)
