"""Opening the database: the URL checked, a SQLite file made private, the schema migrated, one
SQLAlchemy engine with SQLite's pragmas; and the time helpers every storage module uses.

SQLite by default (a file under data/, WAL, busy timeout); any SQLAlchemy URL works, the same
code runs on PostgreSQL. `Database` is what `storage.Storage` is built on: the other modules
only read its `engine`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError
from sqlalchemy.pool import NullPool

from storage import migrations
from storage.migrations import MigrationError

REPO = Path(__file__).resolve().parents[1]
SUPPORTED_ENGINES = ("sqlite", "postgresql")
"""The databases this code is tested on (settings.py checks DATABASE_URL against it)."""
DEFAULT_FOLDER = REPO / "data"
"""The only folder a SQLite file's path may make: any other must exist (a typo is not a new database)."""


class DatabaseUnusable(MigrationError):  # a MigrationError, so every start-up check reports it alike
    """The database cannot be used as it is (an unsupported engine, a SQLite file that is damaged
    or whose folder does not exist); str() is one line saying what to do."""


class Database:
    """One open database: its URL, whether it is SQLite, and the SQLAlchemy engine."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        """Open the database at `url`. With `migrate` (the default, and AUTO_MIGRATE) it is
        brought to the latest schema revision; without, it must already be there. Either way a
        database newer than this code is refused (`MigrationError`, one line)."""
        self.url = url
        check_engine(url)
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            prepare_sqlite_file(url)
            check_sqlite_file(url)
        if migrate:
            migrations.upgrade(url)
        else:
            migrations.check(url)
        # hide_parameters: SQL errors and echo never carry a patient's answers or a note.
        # json_deserializer: every stored result is read through orjson (4x the standard module;
        # the export's per-row cost, BENCHMARKS.md "Export at any size").
        self.engine: Engine = create_engine(url, future=True, pool_pre_ping=not self.is_sqlite,
                                            hide_parameters=True, echo=False, json_deserializer=read_json)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)


def check_engine(url: str) -> None:
    """Raise `DatabaseUnusable` unless `url` is for a supported engine (SQLite, PostgreSQL)."""
    backend = make_url(url).get_backend_name()
    if backend not in SUPPORTED_ENGINES:
        raise DatabaseUnusable(f"the {backend} database engine is not supported: use SQLite (sqlite:///FILE) or "
                               "PostgreSQL (postgresql+psycopg://USER@HOST/DB)")


def check_sqlite_file(url: str) -> None:
    """`PRAGMA quick_check` on a SQLite file (at start and in `make migrate`): a damaged file is
    refused in one line instead of being used (and written to) without complaint."""
    if not url.startswith("sqlite"):
        return
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            found = [line for row in connection.execute(text("PRAGMA quick_check")).scalars()
                     for line in str(row).splitlines() if line.strip() and not line.startswith("***")]
    except DatabaseError as exc:  # "file is not a database", "database disk image is malformed"
        found = [str(exc.orig).splitlines()[0] if exc.orig is not None else type(exc).__name__]
    finally:
        engine.dispose()
    if found != ["ok"]:
        raise DatabaseUnusable(f"the SQLite file {make_url(url).database} is damaged ({found[0]}"
                               f"{f'; {len(found) - 1} more problems' if len(found) > 1 else ''}): "
                               "restore it from a backup")


def prepare_sqlite_file(url: str) -> None:
    """For a SQLite file URL: create its folder (0700) and the file (0600) before SQLite does,
    so the screenings and password hashes are readable by the app's user only. A 1.0 file made
    world-readable is tightened; the default data/ folder too. Only the default data/ folder is
    made: a path in a folder that does not exist is refused (`DatabaseUnusable`), so a typo in
    DATABASE_URL never starts an empty database."""
    parsed = make_url(url)
    database = parsed.database
    if not parsed.drivername.startswith("sqlite") or not database or database == ":memory:" \
            or database.startswith("file:"):
        return
    path = Path(database)
    if not path.parent.exists():
        if path.parent.absolute() != DEFAULT_FOLDER:
            raise DatabaseUnusable(f"the folder of the SQLite file does not exist: {path.parent} "
                                   "(check DATABASE_URL; only the default data/ folder is created)")
        path.parent.mkdir(mode=0o700)
        path.parent.chmod(0o700)  # mkdir's mode is filtered by the umask
    elif path.parent.resolve() == (REPO / "data").resolve():
        path.parent.chmod(0o700)
    if not path.exists():
        # Only when missing: closing any descriptor of a file drops every POSIX lock this process
        # holds on it, so doing it while another Storage is open lets SQLite delete a live WAL.
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)


def utc_now() -> datetime:
    """Now, in UTC (every stored time is UTC)."""
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """A stored time as an aware UTC datetime: SQLite hands datetimes back naive; they were written as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def as_date(value: date | datetime | None) -> date | None:
    """A Date column as a date (SQLite may hand back a datetime)."""
    return value.date() if isinstance(value, datetime) else value


def read_json(text: str | bytes) -> Any:
    """A stored JSON value, decoded by orjson; the standard module only for what orjson refuses
    and Python's json wrote (NaN, Infinity, integers past 64 bits), so every stored row still reads."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _sqlite_pragmas(dbapi_connection: Any, _record: Mapping[str, Any] | Any) -> None:
    """WAL so readers never block the writer; wait for locks rather than fail at once."""
    cursor = dbapi_connection.cursor()
    for pragma in (
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=NORMAL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA busy_timeout=15000",
    ):
        cursor.execute(pragma)
    cursor.close()
