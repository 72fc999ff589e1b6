"""The staff pages show the last good backup; admins get a warning banner when there has been
none for 26 hours, through the real app (AppTest)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from access import add_staff
from storage import Storage
from storage.backup import BACKUP_EVENT, backup
from storage.schema import audit_events
from tests.support.coordinator_app import ADMIN, APP, COORDINATOR, PASSCODE, sign_in


@pytest.fixture
def staff_storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Storage]:
    url = f"sqlite:///{tmp_path / 'screening.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_resource.clear()
    storage = Storage(url)
    add_staff(storage, ADMIN, PASSCODE, role="admin", display_name="Ada Admin", actor="test")
    add_staff(storage, COORDINATOR, PASSCODE, role="coordinator", display_name="Cory Coordinator", actor="test")
    yield storage
    st.cache_resource.clear()


def _queue_as(username: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    sign_in(at, username=username)
    assert not at.exception
    return at


def _backup_lines(at: AppTest) -> tuple[list[str], list[str]]:
    return ([w.value for w in at.warning if "Backups:" in w.value],
            [c.value for c in at.caption if "Backups:" in c.value])


def test_admin_is_warned_without_a_backup_and_not_after_one(staff_storage: Storage, tmp_path: Path) -> None:
    warnings, _ = _backup_lines(_queue_as(ADMIN))
    assert warnings == ["Backups: no backup recorded; none good for over 26 hours: check the backup timer "
                        "(README, Backups)."]
    coordinator_warnings, captions = _backup_lines(_queue_as(COORDINATOR))
    assert coordinator_warnings == [] and captions == ["Backups: no backup recorded."]
    backup(staff_storage.url, tmp_path / "b")
    warnings, captions = _backup_lines(_queue_as(ADMIN))
    assert warnings == [] and len(captions) == 1 and captions[0].startswith("Backups: last good backup 20")


def test_admin_is_warned_when_the_last_backup_is_27_hours_old(staff_storage: Storage, tmp_path: Path) -> None:
    backup(staff_storage.url, tmp_path / "b")
    with staff_storage.engine.begin() as connection:
        connection.execute(update(audit_events).where(audit_events.c.event == BACKUP_EVENT)
                           .values(at=datetime.now(UTC) - timedelta(hours=27)))
    warnings, _ = _backup_lines(_queue_as(ADMIN))
    assert len(warnings) == 1 and "(27 hours ago)" in warnings[0]
    assert _backup_lines(_queue_as(COORDINATOR))[0] == []
