"""Revision 0004 builds exactly the alert tables that storage/schema.py declares."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from storage import Storage, migrations
from storage.schema import metadata

ALERT_TABLES = {"alert_channels", "alert_deliveries"}


def test_0004_builds_the_alert_tables_the_schema_declares(database_url: str) -> None:
    Storage(database_url)  # upgrades to head, through 0004
    assert migrations.current_revision(database_url) == migrations.head_revision()
    engine = create_engine(database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
        assert set(inspect(connection).get_table_names()) >= ALERT_TABLES
        unique = inspect(connection).get_unique_constraints("alert_deliveries")
    engine.dispose()
    mine = [d for d in differences if any(table in repr(d) for table in ALERT_TABLES)]
    assert mine == []
    assert [c["column_names"] for c in unique] == [["submission_id", "channel", "level"]]
