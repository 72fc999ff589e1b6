"""Staff sessions on the coordinator pages, in AppTest: every page run reads the account, so a disable, demotion or
password reset ends an open session on the next run (audited, with a notice)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from access import add_staff, disable_staff, reset_password, set_staff_role
from storage import Storage
from tests.support.coordinator_app import ADMIN, COORDINATOR, PASSCODE, go, page_text, sign_in
from ui.coordinator.guard import ACCOUNT_CHANGED_NOTICE


def _changes(storage: Storage) -> dict[str, Callable[[str], None]]:
    return {
        "disable": lambda who: disable_staff(storage, who, actor="boss"),
        "demote": lambda who: set_staff_role(storage, who, "coordinator", actor="boss"),
        "password": lambda who: reset_password(storage, who, PASSCODE + "-new", actor="boss"),
    }


@pytest.mark.parametrize("change", ["disable", "demote", "password"])
def test_an_account_change_signs_the_open_session_out_on_the_next_run(
    app: AppTest, storage_with_staff: Storage, change: str
) -> None:
    add_staff(storage_with_staff, "boss", PASSCODE, role="admin", actor="test")  # ADMIN is not the last admin
    sign_in(app, username=ADMIN)
    go(app, "accounts")
    assert "Staff accounts" in page_text(app)
    _changes(storage_with_staff)[change](ADMIN)
    app.run()
    assert "staff_session" not in app.session_state
    text = page_text(app)
    assert ACCOUNT_CHANGED_NOTICE in text and "Staff sign-in" in text
    assert "Add an account" not in text
    assert any(e.event == "sign_out" and e.actor == ADMIN and e.detail.startswith("account changed")
               for e in storage_with_staff.list_audit())


def test_an_unchanged_account_stays_signed_in_with_one_read_per_run(
    app: AppTest, storage_with_staff: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage import staff as staff_store

    sign_in(app, username=COORDINATOR)
    reads: list[str] = []
    real = staff_store.account_state
    monkeypatch.setattr(staff_store, "account_state", lambda storage, name: reads.append(name) or real(storage, name))
    app.run()
    assert "staff_session" in app.session_state and "Screenings" in page_text(app)
    assert reads == [COORDINATOR]  # one indexed read however often the run asks who is signed in
