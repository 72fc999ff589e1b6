"""Schema migrations (Alembic). Every schema change is a revision in `versions/`.

    upgrade(url)            bring a database to the latest revision (a 1.0 database, made by
                            `create_all` with no alembic_version table, is stamped 0001 first)
    check(url)              raise unless the database is exactly at the latest revision
    current_revision(url)   the database's revision (None: empty or 1.0)
    head_revision()         the latest revision this code knows

A database at a revision this code does not know (newer code ran against it) is refused with
one line, `MigrationError`, never touched. `python -m storage migrate` / `make migrate` run
`upgrade` explicitly; the app runs it at start when AUTO_MIGRATE is on.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

FOLDER = Path(__file__).resolve().parent
V1_0 = "0001_v1_0_schema"
_ONE_AT_A_TIME = threading.Lock()
_PG_LOCK = 82_011  # advisory lock id: one migrating process at a time on PostgreSQL


class MigrationError(RuntimeError):
    """The database's schema cannot be used by this code; str() is one line saying why."""


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(FOLDER))
    return config


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head_revision() -> str:
    """The latest revision in `versions/` (one head: revisions form a single chain)."""
    head = _scripts().get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {script.revision for script in _scripts().walk_revisions()}


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def current_revision(url: str) -> str | None:
    """The database's revision; None for an empty database or one made by 1.0."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return _revision(connection)
    finally:
        engine.dispose()


def _refuse_unknown(current: str | None) -> None:
    if current is not None and current not in known_revisions():
        raise MigrationError(
            f"database schema is at revision '{current}', newer than this code (latest '{head_revision()}'): "
            "run the newer code, or set DATABASE_URL to another database"
        )


def check(url: str) -> None:
    """Raise `MigrationError` unless the database is at the latest revision (no changes made)."""
    try:
        current = current_revision(url)
    except SQLAlchemyError as exc:
        raise MigrationError(f"database not reachable: {type(exc).__name__}") from None
    _refuse_unknown(current)
    if current != head_revision():
        raise MigrationError(
            f"database schema is at revision '{current or 'none (1.0 or empty)'}', this code needs "
            f"'{head_revision()}': run make migrate (or set AUTO_MIGRATE=true)"
        )


def upgrade(url: str) -> str:
    """Bring the database to the latest revision; returns it. Safe to call on every start."""
    try:
        current = current_revision(url)  # the usual case, without taking any lock
    except SQLAlchemyError as exc:
        raise MigrationError(f"database not reachable: {type(exc).__name__}") from None
    _refuse_unknown(current)
    if current == head_revision():
        return current
    engine = create_engine(url, poolclass=NullPool)  # no app pragmas: batch mode copies tables
    if engine.dialect.name == "sqlite":
        _exclusive_transactions(engine)
    try:
        for attempt in range(3):
            try:
                return _upgrade(engine.connect())
            except MigrationError:
                raise
            except Exception as exc:  # e.g. two servers creating the same table at once
                with engine.connect() as connection:
                    if _revision(connection) == head_revision():
                        return head_revision()
                if attempt == 2:
                    raise MigrationError(f"database upgrade failed: {type(exc).__name__}: "
                                         f"{str(getattr(exc, 'orig', exc)).splitlines()[0]}") from None
        raise AssertionError("unreachable")
    finally:
        engine.dispose()


def _exclusive_transactions(engine: Engine) -> None:
    """SQLite: the whole upgrade in one BEGIN EXCLUSIVE transaction (SQLite's DDL is
    transactional), so a second server waits, then finds the database already at head."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the driver must not BEGIN on its own
        dbapi_connection.execute("PRAGMA busy_timeout=60000")

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN EXCLUSIVE")


def _upgrade(connection: Connection) -> str:
    with _ONE_AT_A_TIME, connection:  # Alembic's `op`/`context` are process-wide, not thread-safe
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_LOCK})
        current = _revision(connection)
        _refuse_unknown(current)
        if current == head_revision():
            connection.rollback()
            return current
        config = _config()
        config.attributes["connection"] = connection
        if current is None and inspect(connection).has_table("submissions"):
            command.stamp(config, V1_0)  # a 1.0 database: its tables are exactly revision 0001
        command.upgrade(config, "head")
        connection.commit()
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_LOCK})
            connection.commit()
    return head_revision()
