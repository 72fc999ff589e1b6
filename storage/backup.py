"""Backups: a consistent copy of the live database, checked, then kept, rotated, verified, restored.

    backup(url, folder, key=..., keep_daily=14, keep_weekly=8)   one new copy, then rotation
    verify(path, key)            a copy's manifest, checksum and contents, without restoring
    restore(path, url, key, force=False)   into an empty database (or --force), then migrate
    last_good_backup(engine)     when the newest good copy was made (one indexed query)

A copy is a folder `backup-<UTC time>/` holding the database file and `manifest.json` (engine,
schema revision, row counts of every table, questionnaire versions, time, SHA-256). It is built
in `.partial-backup-...-<pid>/` and renamed to its final name only once complete and checked, so
a copy under a final name is always whole; rotation runs only after a good new copy.

SQLite: the online backup API in one step (a read transaction: in WAL mode the app keeps
saving meanwhile; the copy holds every save committed before it started). PostgreSQL: `pg_dump`
custom format on an exported snapshot, the row counts read in that same snapshot.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from sqlalchemy import create_engine, func, inspect, select, table, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import NullPool

from settings import child_environment
from storage import audit, migrations
from storage.backup_crypt import SealError, open_sealed, seal
from storage.engine import aware, utc_now
from storage.schema import audit_events

BACKUP_EVENT = "backed_up"
WARN_AFTER = timedelta(hours=26)  # a daily backup plus two hours' slack
MANIFEST = "manifest.json"
_FINAL = re.compile(r"backup-(\d{8}T\d{6}\.\d{3})Z")
_PARTIAL = re.compile(r"\.partial-backup-.*-(\d+)")
_FILE_NAMES = {"sqlite": "screening.sqlite3", "postgresql": "screening.pgdump"}
_SEALED = ".sealed"
DEBIAN_POSTGRESQL = Path("/usr/lib/postgresql")  # <version>/bin/pg_dump, not on PATH on Debian


class BackupError(RuntimeError):
    """The backup, check or restore could not be done; str() is one line saying why."""


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
    _private_folder(to)
    moment = now or datetime.now(UTC)
    with _locked(to):
        final = to / f"backup-{moment:%Y%m%dT%H%M%S}.{moment.microsecond // 1000:03d}Z"
        if final.exists():
            raise BackupError(f"{final.name} already exists; try again in a moment")
        partial = to / f".partial-{final.name}-{os.getpid()}"
        partial.mkdir(mode=0o700)
        try:
            plain = partial / _FILE_NAMES[engine_name]
            if engine_name == "sqlite":
                tables, revision, versions = _copy_sqlite(url, plain)
            else:
                tables, revision, versions = _dump_postgresql(url, plain, pg_kb_per_second)
            plain_sha = _sha256(plain)
            stored = plain
            if key is not None:
                stored = plain.with_name(plain.name + _SEALED)
                with _new_private_file(stored) as out:
                    seal(plain, out, key)
                    _flush(out)
                plain.unlink()
            manifest = {
                "format": 1, "engine": engine_name, "file": stored.name, "created_at": moment.isoformat(),
                "schema_revision": revision, "tables": tables, "questionnaire_versions": versions,
                "encrypted": key is not None,
                "encryption": "AES-256-GCM, 1 MiB chunks (storage/backup_crypt.py)" if key is not None else None,
                "size": stored.stat().st_size, "sha256": _sha256(stored) if key is not None else plain_sha,
                "plain_sha256": plain_sha,
            }
            with _new_private_file(partial / MANIFEST) as out:
                out.write(json.dumps(manifest, indent=2, sort_keys=True).encode())
                _flush(out)
            _fsync_folder(partial)
            partial.rename(final)  # the commit point: a final name only for a whole, checked copy
            _fsync_folder(to)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        not_recorded = None
        if record:
            try:
                _record(url, final, manifest)
            except Exception as exc:  # e.g. a read-only database: the copy is good all the same
                not_recorded = f"{type(exc).__name__}: {_first_line(str(exc))}"
        deleted = rotate(to, keep_daily=keep_daily, keep_weekly=keep_weekly, newest=final)
    return BackupDone(final, final / stored.name, manifest, deleted, not_recorded)


def _copy_sqlite(url: str, plain: Path) -> tuple[dict[str, int], str | None, list[str]]:
    source_path = _sqlite_path(url)
    if not source_path.is_file():
        raise BackupError(f"no SQLite database at {source_path}")
    with _new_private_file(plain):
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
    _fsync_file(plain)
    return _check_sqlite_file(plain)


def _check_sqlite_file(path: Path) -> tuple[dict[str, int], str | None, list[str]]:
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


def _dump_postgresql(url: str, plain: Path, kb_per_second: int = 0) -> tuple[dict[str, int], str | None, list[str]]:
    """`pg_dump` custom format on an exported snapshot. With a cap, the dump is written to a pipe
    and copied at most `kb_per_second`: pg_dump, and the server backend feeding it, wait on the
    pipe instead of taking the CPU the clinic's saves need. (A piped archive has no data offsets,
    so `pg_restore` cannot restore it in parallel; ours restores in one process.)"""
    pg_dump = postgres_tool("pg_dump")
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection, _new_private_file(plain) as out:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                command = [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-password"]
                with tempfile.TemporaryFile() as errors:
                    dump = subprocess.Popen(  # noqa: S603 - an argument list, no shell
                        [*command, f"--file={plain}"] if kb_per_second == 0 else command,
                        env=_libpq_environment(make_url(url)), stdout=subprocess.PIPE if kb_per_second else
                        subprocess.DEVNULL, stderr=errors)
                    try:
                        tables, revision, versions = _counts(connection)  # the same snapshot as the dump
                        if dump.stdout is not None:
                            _copy_at_most(dump.stdout, out, kb_per_second * 1024)
                    finally:
                        if dump.stdout is not None:
                            dump.stdout.close()  # a dump left unread ends (broken pipe) instead of waiting
                        dump.wait()
                    errors.seek(0)
                    said = errors.read().decode(errors="replace")
                _flush(out)
        if dump.returncode != 0:
            raise BackupError(f"pg_dump failed: {_first_line(said)}")
    finally:
        engine.dispose()
    os.chmod(plain, 0o600)
    _fsync_file(plain)
    _check_pg_archive(plain)
    return tables, revision, versions


def _copy_at_most(source: IO[bytes], out: IO[bytes], bytes_per_second: int) -> None:
    """Copy `source` to `out`, never faster than `bytes_per_second` on average."""
    started, copied = time.monotonic(), 0
    while chunk := source.read(64 * 1024):
        out.write(chunk)
        copied += len(chunk)
        ahead = copied / bytes_per_second - (time.monotonic() - started)
        if ahead > 0:
            time.sleep(ahead)


def _counts(connection: Connection) -> tuple[dict[str, int], str | None, list[str]]:
    names = sorted(inspect(connection).get_table_names())
    tables = {name: int(connection.execute(select(func.count()).select_from(table(name))).scalar_one())
              for name in names}  # table(): the catalogue's names, quoted by SQLAlchemy
    revision = None
    if "alembic_version" in tables:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
    versions: list[str] = []
    if "submissions" in tables:
        versions = [f"{qid} {version}" for qid, version in connection.execute(text(
            "SELECT DISTINCT questionnaire_id, questionnaire_version FROM submissions ORDER BY 1, 2"))]
    return tables, revision, versions


def _check_pg_archive(path: Path) -> None:
    listed = subprocess.run([postgres_tool("pg_restore"), "--list", str(path)],  # noqa: S603 - no shell
                            capture_output=True)
    if listed.returncode != 0 or b"TABLE DATA" not in listed.stdout:
        raise BackupError(f"{path.name} is not a readable pg_dump archive: "
                          f"{_first_line(listed.stderr.decode(errors='replace'))}")


def postgres_tool(name: str) -> str:
    """pg_dump / pg_restore from PATH, else Debian's /usr/lib/postgresql/<newest>/bin."""
    found = shutil.which(name)
    if found is None:
        candidates = sorted(DEBIAN_POSTGRESQL.glob(f"*/bin/{name}"),
                            key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0)
        found = str(candidates[-1]) if candidates else None
    if found is None:
        raise BackupError(f"{name} is missing: install the PostgreSQL client tools "
                          "(apt-get install postgresql-client) matching the server's version")
    return found


def _libpq_environment(url: URL) -> dict[str, str]:
    """The connection for pg_dump / pg_restore in libpq variables (no password on a command line)."""
    query_host = url.query.get("host")
    values = {"PGHOST": url.host or (query_host if isinstance(query_host, str) else None),
              "PGPORT": str(url.port) if url.port else None, "PGUSER": url.username,
              "PGPASSWORD": url.password, "PGDATABASE": url.database}
    return child_environment({name: value for name, value in values.items() if value}, drop_prefix="PG")


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


# -- checking and restoring -------------------------------------------------------------------


def read_manifest(path: Path) -> tuple[Path, dict[str, Any]]:
    """(the copy's data file, its manifest) for a copy folder or the data file in it."""
    folder = path if path.is_dir() else path.parent
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        stored = folder / manifest["file"]
        if not isinstance(manifest["tables"], dict) or not manifest["sha256"] or not manifest["engine"]:
            raise ValueError("fields missing")
    except FileNotFoundError:
        raise BackupError(f"no {MANIFEST} beside {path}: not a complete copy") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{MANIFEST} in {folder} is damaged: {type(exc).__name__}") from None
    if path.is_file() and path.resolve() != stored.resolve():
        raise BackupError(f"{path.name} is not the file its manifest names ({manifest['file']})")
    if "/" in manifest["file"] or not stored.is_file():
        raise BackupError(f"the copy's file {manifest['file']} is missing")
    return stored, manifest


@contextmanager
def opened_copy(path: Path, key: bytes | None, *, work_in: Path | None = None
                ) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Checksum first; then (a plain file of the database, the manifest), decrypted into a
    private temporary folder (in `work_in`, default the system's) when sealed, removed afterwards."""
    stored, manifest = read_manifest(path)
    _check_checksum(stored, manifest)
    if not manifest.get("encrypted"):
        yield stored, manifest
        return
    if key is None:
        raise BackupError(f"{stored.name} is encrypted: set BACKUP_KEY to the key it was made with")
    work = Path(tempfile.mkdtemp(prefix=".crps-restore-", dir=work_in))  # 0700
    try:
        plain = work / stored.name.removesuffix(_SEALED)
        try:
            with stored.open("rb") as source, _new_private_file(plain) as out:
                open_sealed(source, out, key)
        except SealError as exc:
            raise BackupError(f"{stored.name}: {exc}") from None
        if _sha256(plain) != manifest.get("plain_sha256"):
            raise BackupError(f"{stored.name}: decrypted contents do not match the manifest")
        yield plain, manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _check_checksum(stored: Path, manifest: dict[str, Any]) -> None:
    if stored.stat().st_size != manifest.get("size") or _sha256(stored) != manifest["sha256"]:
        raise BackupError(f"{stored.name}: SHA-256 does not match its manifest: the copy was changed or "
                          "damaged; do not restore it")


def verify(path: Path, key: bytes | None) -> dict[str, Any]:
    """Check a copy without restoring it: manifest, checksum, decryption, then integrity_check
    and every table's row count (SQLite) or the archive's table of contents (PostgreSQL).
    An encrypted copy without its key: the checksum only."""
    stored, manifest = read_manifest(path)
    if manifest.get("encrypted") and key is None:
        _check_checksum(stored, manifest)
        return manifest
    with opened_copy(path, key) as (plain, manifest):
        if manifest["engine"] == "sqlite":
            tables, revision, _ = _check_sqlite_file(plain)
            if tables != manifest["tables"] or revision != manifest.get("schema_revision"):
                raise BackupError(f"{plain.name}: tables or row counts differ from the manifest")
        else:
            _check_pg_archive(plain)
    return manifest


def is_empty(url: str) -> bool:
    """No tables at all (a new SQLite file, a new PostgreSQL database)."""
    if make_url(url).get_backend_name() == "sqlite":
        target = _sqlite_path(url)
        if not target.exists() or target.stat().st_size == 0:
            return True
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return not inspect(connection).get_table_names()
    finally:
        engine.dispose()


def restore(path: Path, url: str, *, key: bytes | None, force: bool = False) -> list[tuple[str, int, int | None]]:
    """Restore a checked copy into `url`, migrate it to the current schema, and return
    (table, rows in the manifest, rows now) for every table in either. Refuses a non-empty
    database unless `force`. Stop the app first: a restore replaces the whole database."""
    _, manifest = read_manifest(path)
    engine_name = make_url(url).get_backend_name()
    if manifest["engine"] != engine_name:
        raise BackupError(f"this is a {manifest['engine']} copy; restore it into a {manifest['engine']} database, "
                          f"not {engine_name}")
    if not force and not is_empty(url):
        raise BackupError("the target database is not empty; nothing changed (add --force to replace it)")
    work_in = None
    if engine_name == "sqlite":  # decrypt beside the target: one write of a big file, then a rename
        work_in = _sqlite_path(url).parent
        work_in.mkdir(parents=True, exist_ok=True, mode=0o700)
    with opened_copy(path, key, work_in=work_in) as (plain, _):
        if engine_name == "sqlite":
            _check_sqlite_file(plain)
            _restore_sqlite(plain, url, move=bool(manifest.get("encrypted")))
        else:
            _restore_postgresql(plain, url)
    migrations.upgrade(url)
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            now = _counts(connection)[0]
    finally:
        engine.dispose()
    names = sorted(set(manifest["tables"]) | set(now))
    return [(name, manifest["tables"].get(name, 0), now.get(name)) for name in names]


def _restore_sqlite(plain: Path, url: str, *, move: bool) -> None:
    """Put `plain` in place of the target file (moved when it is our decrypted temporary file,
    else copied: the backup itself is never moved)."""
    target = _sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = target.with_name(f".{target.name}.restore-{os.getpid()}")
    try:
        if move:
            os.replace(plain, partial)
            _fsync_file(partial)
        else:
            with plain.open("rb") as source, _new_private_file(partial) as out:
                shutil.copyfileobj(source, out, 1 << 20)
                _flush(out)
        for leftover in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm"),
                         target.with_name(target.name + "-journal")):
            leftover.unlink(missing_ok=True)  # the replaced database's, never to be replayed on the copy
        os.replace(partial, target)
        _fsync_folder(target.parent)
    finally:
        partial.unlink(missing_ok=True)


def _restore_postgresql(plain: Path, url: str) -> None:
    parsed = make_url(url)
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            if inspect(connection).get_table_names():  # --force: replace everything
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    restored = subprocess.run(  # noqa: S603 - an argument list, no shell
        [postgres_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
         "--no-password", f"--dbname={parsed.database}", str(plain)],
        env=_libpq_environment(parsed), capture_output=True)
    if restored.returncode != 0:
        raise BackupError(f"pg_restore failed: {_first_line(restored.stderr.decode(errors='replace'))}")


# -- small helpers ----------------------------------------------------------------------------


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("DATABASE_URL must name a SQLite file to back up or restore")
    return Path(database)


def _private_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One backup at a time into a folder (a second waits)."""
    descriptor = os.open(folder / ".lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


@contextmanager
def _new_private_file(path: Path) -> Iterator[Any]:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with open(descriptor, "wb") as out:
        yield out


def _flush(out: Any) -> None:
    out.flush()
    os.fsync(out.fileno())


def _fsync_file(path: Path) -> None:
    """Flush a file, or a folder's entries (a rename), to the disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


_fsync_folder = _fsync_file  # a folder is opened and flushed the same way


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _first_line(message: str) -> str:
    lines = [line for line in message.strip().splitlines() if line.strip()]
    return lines[0] if lines else "no message"
