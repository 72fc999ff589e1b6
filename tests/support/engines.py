"""A mark for a test of what only SQLite has (its file, its pragmas, its query plans): such a
test runs on SQLite alone, where tests/conftest.py's `database_url` would run it on each engine."""

from __future__ import annotations

import pytest

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
