"""Taking a test database down to an earlier schema revision and looking at it there."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from storage import migrations


@contextmanager
def downgraded(url: str, revision: str) -> Iterator[Connection]:
    """The database at `url` taken down to `revision` (committed); a connection to it. Dispose of
    any `Storage` on `url` first; a new `Storage(url)` upgrades it to the head again."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            config = migrations._config()
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
            connection.commit()
            yield connection
    finally:
        engine.dispose()
