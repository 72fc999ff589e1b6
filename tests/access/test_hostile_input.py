"""Hostile input for accounts: a NUL byte in a username, display name, e-mail or audit
detail was an unhandled error on PostgreSQL (26 tracebacks from 13 tries), and a taken username
reached the PostgreSQL server log through the unique-key error's detail. Each runs on SQLite and
on a throwaway PostgreSQL cluster."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from access import StaffError, add_staff, disable_staff, enable_staff, list_staff, reset_password, set_staff_role
from access import __main__ as command
from access.credentials import WRONG, sign_in, staff_for_email
from storage import Storage
from tests.support.accounts import PASSWORD

NUL = "\x00"


ADDS: dict[str, Callable[[Storage], object]] = {
    "username": lambda s: add_staff(s, f"eve{NUL}x", PASSWORD, actor="test"),
    "display name": lambda s: add_staff(s, "eve", PASSWORD, display_name=f"Eve{NUL}", actor="test"),
    "e-mail": lambda s: add_staff(s, "eve", PASSWORD, email=f"eve{NUL}@clinic.example", actor="test"),
}


@pytest.mark.parametrize("field", list(ADDS))
def test_a_nul_byte_in_a_new_account_is_refused_in_one_line(storage: Storage, field: str) -> None:
    with pytest.raises(StaffError) as refused:
        ADDS[field](storage)
    message = str(refused.value)
    assert "\n" not in message and NUL not in message and "control characters" in message
    assert list_staff(storage) == []


@pytest.mark.parametrize("change", [
    lambda s: disable_staff(s, f"eve{NUL}", actor="test"),
    lambda s: enable_staff(s, f"eve{NUL}", actor="test"),
    lambda s: reset_password(s, f"eve{NUL}", PASSWORD, actor="test"),
    lambda s: set_staff_role(s, f"eve{NUL}", "admin", actor="test"),
], ids=["disable", "enable", "reset-password", "set-role"])
def test_a_nul_byte_in_a_changed_account_is_refused(storage: Storage, change: Callable[[Storage], None]) -> None:
    with pytest.raises(StaffError, match="control characters"):
        change(storage)


def test_a_nul_byte_at_sign_in_is_a_wrong_password_not_an_error(storage: Storage) -> None:
    add_staff(storage, "eve", PASSWORD, actor="test")
    outcome = sign_in(storage, f"eve{NUL}", PASSWORD, client_address="10.0.0.9")
    assert not outcome.ok and outcome.message == WRONG
    no_lists = SimpleNamespace(staff_emails=(), admin_emails=())
    assert staff_for_email(no_lists, storage, f"eve{NUL}@clinic.example") is None


def test_a_nul_byte_in_an_audit_detail_is_kept_visibly(storage: Storage) -> None:
    storage.record_event("queue_viewed", actor="eve", detail=f"filter reference AB{NUL}CD")
    assert [e.detail for e in storage.list_audit() if e.event == "queue_viewed"] == ["filter reference AB\\0CD"]


def test_the_command_line_says_one_line_and_exits_2(storage: Storage, capsys: pytest.CaptureFixture[str]) -> None:
    assert command.main(["disable", f"eve{NUL}", "--database", storage.url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "control characters" in err and "Traceback" not in err


def test_a_taken_username_says_so(storage: Storage) -> None:
    add_staff(storage, "eve", PASSWORD, actor="test")
    with pytest.raises(StaffError, match="that username is taken"):
        add_staff(storage, "EVE", PASSWORD, actor="test")


def _server_log(storage: Storage) -> Path:
    with storage.engine.connect() as connection:
        data = Path(str(connection.execute(text("SHOW data_directory")).scalar_one()))
    return data.parent / "log"  # where tests/support/postgres_cluster.py starts the server's log


def test_typed_usernames_never_reach_the_postgresql_log(postgres_url: str) -> None:
    storage = Storage(postgres_url)
    log = _server_log(storage)
    before = log.read_text(errors="replace")
    add_staff(storage, "secret-typed-name", PASSWORD, actor="test")
    with pytest.raises(StaffError, match="that username is taken"):
        add_staff(storage, "secret-typed-name", PASSWORD, actor="test")
    # 20 parallel first tries on one new key: the throttle row's INSERT races with itself.
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda n: sign_in(storage, "hunter2-typed-in-the-name-box", f"x{n}", client_address="10.0.0.8"),
                      range(20)))
    added = log.read_text(errors="replace")[len(before):]
    assert "secret-typed-name" not in added and "hunter2" not in added
    assert "duplicate key" not in added
