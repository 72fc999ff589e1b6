"""Retention: remove screenings older than the clinic's retention period, with every row that
belongs to them, never an open urgent (urgent and not acknowledged), leaving one audit event
with the count (never the content).

The rows that belong to a screening are found from the database's own foreign keys (reflected
at run time), not from a list here: every table that references `submissions.id` (reviews in the
audit trail, alert deliveries, red-flag events, examinations, ...), and the tables referencing
those, are emptied of the purged screenings' rows first, deepest first.

    plan(engine, cutoff)            what a purge would remove: rows per table (a dry run)
    purge(engine, cutoff, period)   remove them in batches, record one "purged" event
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, MetaData, Table, and_, delete, func, not_, or_, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from settings import retention_days
from storage import audit
from storage.engine import utc_now
from storage.schema import audit_events

PURGED_EVENT = "purged"
PREVIEWED_EVENT = "purge_previewed"
BATCH = 2000  # screenings per transaction (SQLite checks foreign keys once per batch)


class RetentionError(RuntimeError):
    """The purge was refused; str() is one line saying why."""


@dataclass(frozen=True)
class PurgeCount:
    cutoff: datetime
    rows: dict[str, int]  # table -> rows removed (or that would be), "submissions" first
    open_urgent_kept: int

    @property
    def screenings(self) -> int:
        return self.rows.get("submissions", 0)

    def summary(self) -> str:
        related = ", ".join(f"{rows} {table}" for table, rows in self.rows.items() if table != "submissions")
        return (f"{self.screenings} screenings created before {self.cutoff:%Y-%m-%d}"
                + (f" (with {related})" if related else "")
                + f"; {self.open_urgent_kept} open urgent kept")


def cutoff_for(period: str, now: datetime | None = None) -> datetime:
    """Midnight UTC of the day `period` ("7y", "84m", "2557d") before today (calendar years and
    months; 29 February goes to the 28th)."""
    retention_days(period)  # raises ValueError for a bad period
    amount, unit = int(period.strip()[:-1]), period.strip()[-1].lower()
    today = (now or datetime.now(UTC)).astimezone(UTC).date()
    if unit == "d":
        day = date.fromordinal(today.toordinal() - amount)
    else:
        months = today.year * 12 + today.month - 1 - (amount * 12 if unit == "y" else amount)
        year, month = divmod(months, 12)
        day = date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))
    return datetime.combine(day, time(), tzinfo=UTC)


def check_period(requested: str, clinic_period: str) -> None:
    """Refuse a period shorter than RETENTION_PERIOD (a typo like 7d must not purge a week)."""
    try:
        asked = retention_days(requested)
    except ValueError as exc:
        raise RetentionError(f"--older-than {requested!r} {exc}") from None
    if asked < retention_days(clinic_period):
        raise RetentionError(f"--older-than {requested} is shorter than the clinic's RETENTION_PERIOD "
                             f"({clinic_period}); nothing removed")


def _tables(connection: Connection) -> dict[str, Table]:
    reflected = MetaData()
    reflected.reflect(bind=connection)
    return dict(reflected.tables)


Pick = Callable[[ColumnElement[bool]], ColumnElement[bool]]


def _condition_builders(tables: dict[str, Table]) -> list[tuple[Table, Pick]]:
    """(table, build) for every table whose rows hang off `submissions`, deepest first; build
    takes the condition picking submissions and returns the condition picking that table's rows."""
    order: list[tuple[Table, Pick]] = []
    seen = {"submissions"}

    def visit(parent: Table, parent_pick: Pick) -> None:
        for child in tables.values():
            if child.name in seen:
                continue
            links = [fk for fk in child.foreign_keys if fk.column.table.name == parent.name]
            if not links:
                continue
            seen.add(child.name)

            def pick(chosen: ColumnElement[bool], child: Table = child, links: list[Any] = links,
                     parent: Table = parent, parent_pick: Any = parent_pick) -> ColumnElement[bool]:
                return or_(*(fk.parent.in_(select(parent.c[fk.column.name]).where(parent_pick(chosen)))
                             for fk in links))

            visit(child, pick)
            order.append((child, pick))  # after its own children: deepest first

    visit(tables["submissions"], lambda chosen: chosen)
    return order


def _old(submissions: Table, cutoff: datetime) -> ColumnElement[bool]:
    open_urgent = and_(submissions.c.urgent.is_(True), submissions.c.acknowledged_at.is_(None))
    return and_(submissions.c.created_at < cutoff, not_(open_urgent))


def plan(engine: Engine, cutoff: datetime) -> PurgeCount:
    """What a purge before `cutoff` would remove, counted (nothing changes)."""
    with engine.connect() as connection:
        tables = _tables(connection)
        submissions = tables["submissions"]
        chosen = _old(submissions, cutoff)
        rows = {"submissions": _count(connection, submissions, chosen)}
        for table, pick in reversed(_condition_builders(tables)):
            rows[table.name] = _count(connection, table, pick(submissions.c.id.in_(
                select(submissions.c.id).where(chosen))))
        kept = _count(connection, submissions, and_(
            submissions.c.created_at < cutoff, submissions.c.urgent.is_(True), submissions.c.acknowledged_at.is_(None)))
    return PurgeCount(cutoff, rows, kept)


def record_preview(engine: Engine, count: PurgeCount, period: str) -> None:
    with engine.begin() as connection:
        audit.write(connection, PREVIEWED_EVENT, "command line", None,
                    f"dry run, older than {period}: {count.screenings} screenings", utc_now())


def previewed_today(engine: Engine, period: str, now: datetime | None = None) -> bool:
    """A dry run for this same period was recorded today (UTC); indexed on (event, at)."""
    start = datetime.combine((now or datetime.now(UTC)).astimezone(UTC).date(), time(), tzinfo=UTC)
    with engine.connect() as connection:
        details = connection.execute(select(audit_events.c.detail).where(
            audit_events.c.event == PREVIEWED_EVENT, audit_events.c.at >= start)).scalars().all()
    return any(detail.startswith(f"dry run, older than {period}:") for detail in details)


def purge(engine: Engine, cutoff: datetime, period: str, *, actor: str = "command line") -> PurgeCount:
    """Remove the screenings before `cutoff` (never an open urgent) and their rows, a batch of
    screenings per transaction; then one audit event with the counts."""
    removed: dict[str, int] = {}
    with engine.connect() as connection:
        tables = _tables(connection)
    submissions = tables["submissions"]
    builders = _condition_builders(tables)
    failures = 0
    while True:
        try:
            batch_removed = _purge_batch(engine, submissions, builders, cutoff)
        except OperationalError:  # e.g. SQLite busy with the app's writes: try the batch again
            failures += 1
            if failures == 5:
                raise
            continue
        if not batch_removed:
            break
        for name, gone in batch_removed.items():
            removed[name] = removed.get(name, 0) + gone
    with engine.connect() as connection:
        kept = _count(connection, submissions, and_(
            submissions.c.created_at < cutoff, submissions.c.urgent.is_(True), submissions.c.acknowledged_at.is_(None)))
    ordered = {"submissions": removed.get("submissions", 0)}
    ordered.update({table.name: removed.get(table.name, 0) for table, _ in reversed(builders)})
    done = PurgeCount(cutoff, ordered, kept)
    with engine.begin() as connection:
        audit.write(connection, PURGED_EVENT, actor, None, f"older than {period}: {done.summary()}", utc_now())
    return done


def _purge_batch(engine: Engine, submissions: Table, builders: list[tuple[Table, Pick]],
                 cutoff: datetime) -> dict[str, int]:
    """One transaction: up to BATCH screenings and their rows; {} when none are left."""
    removed: dict[str, int] = {}
    with engine.connect() as connection, _children_first(connection), connection.begin():
        batch = connection.execute(select(submissions.c.id).where(_old(submissions, cutoff))
                                   .order_by(submissions.c.id).limit(BATCH)).scalars().all()
        if not batch:
            return removed
        # the age and open-urgent rule re-checked in every statement, not only when the batch was read
        chosen = and_(submissions.c.id.in_(batch), _old(submissions, cutoff))
        for table, pick in builders:
            removed[table.name] = connection.execute(delete(table).where(pick(chosen))).rowcount
        removed["submissions"] = connection.execute(delete(submissions).where(chosen)).rowcount
        if connection.dialect.name == "sqlite":
            orphans = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
            if orphans is not None:  # cannot happen: children go first; rolled back if it does
                raise RetentionError(f"purge stopped: a row of {orphans[0]} would point at a removed screening")
    return removed


@contextmanager
def _children_first(connection: Connection) -> Iterator[None]:
    """SQLite: foreign keys are not checked row by row during the batch (each deleted screening
    would scan the unindexed audit_events.submission_id); the batch deletes children first and
    runs PRAGMA foreign_key_check before committing instead. Other connections keep checking."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # outside a transaction, or no effect
        connection.commit()
    try:
        yield
    finally:
        if sqlite:
            connection.rollback()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def _count(connection: Connection, table: Table, condition: ColumnElement[bool]) -> int:
    return int(connection.execute(select(func.count()).select_from(table).where(condition)).scalar_one())
