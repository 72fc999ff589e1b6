"""The staff sign-in page and the locks on every coordinator page, in AppTest: nothing before
sign-in, a page that guards itself, a wrong password refused then throttled, roles, single sign-on
(OIDC), and the idle sign-out."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from storage import Storage, Submission
from tests.support.coordinator_app import (
    APP,
    COORDINATOR,
    PASSCODE,
    events,
    go,
    page_text,
    sign_in,
    staff_session,
)
from ui.coordinator import nav, pages
from ui.coordinator.as_text import as_text


def test_patient_page_shows_no_staff_data(app: AppTest, submit: Callable[..., Submission]) -> None:
    saved = submit("sensory", "vasomotor")
    app.run()
    assert saved.reference not in page_text(app)


@pytest.mark.parametrize("page", ["queue", "screening", "audit"])
def test_coordinator_pages_not_registered_before_sign_in(app: AppTest, storage_with_staff: Storage, page: str) -> None:
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        go(app, page)


def test_each_page_registered_once_as_a_page_object() -> None:
    """No page paths as strings around the tree and no ui/pages shims."""
    from tests.support.coordinator_app import REPO

    assert not (REPO / "ui" / "pages").exists()
    offenders = [str(path.relative_to(REPO)) for path in (REPO / "ui").rglob("*.py")
                 if "switch_page(\"" in path.read_text() or "st.Page(\"" in path.read_text()]
    assert offenders == []
    assert len(set(nav.URL_PATHS.values())) == len(nav.URL_PATHS)
    assert set(pages._RENDER) == set(nav.URL_PATHS)  # every page has a render function and a path


def test_every_nav_go_names_a_page() -> None:
    """`nav.go("QUEUE")` takes a name, not a page object: a typo must fail here, not on a click."""
    import ast

    from tests.support.coordinator_app import REPO

    named = {(str(path.relative_to(REPO)), call.args[0].value)
             for path in [REPO / "app.py", *(REPO / "ui").rglob("*.py")]
             for call in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(call, ast.Call) and ast.unparse(call.func) in {"nav.go", "go"}
             and isinstance(call.args[0], ast.Constant)}
    assert {name for _, name in named} >= {"QUEUE", "SCREENING", "SIGN_IN"}  # the walk finds the calls
    assert [(path, name) for path, name in named if name not in nav.URL_PATHS] == []


def test_page_guards_itself_even_if_reached(database_url: str, submit: Callable[..., Submission]) -> None:
    saved = submit(hand_or_foot_newly_pale="yes")
    at = AppTest.from_function(_queue_without_navigation, default_timeout=30).run()  # bypassing app.py
    assert saved.reference not in page_text(at)
    assert "Please sign in" in page_text(at)


def _queue_without_navigation() -> None:
    from ui.coordinator import queue

    queue.render()


def test_no_account_yet_says_how(app: AppTest) -> None:
    go(app, "staff")
    assert "make staff" in page_text(app)
    sign_in(app, "anything", "nobody")
    assert "Wrong username or password" in page_text(app)


def test_wrong_password_refused_then_throttled(app: AppTest, storage_with_staff: Storage) -> None:
    for _ in range(5):
        sign_in(app, "wrong-password")
        assert "Wrong username or password" in page_text(app)
    sign_in(app, PASSCODE)  # the right one, but this account is locked for this address now
    assert "Too many tries" in page_text(app)
    with pytest.raises(ValueError):
        go(app, "queue")
    assert events(storage_with_staff).count("sign_in_failed") == 5
    assert all("from " in e.detail for e in storage_with_staff.list_audit() if e.event == "sign_in_failed")


def test_coordinator_role_cannot_reach_admin_pages(app: AppTest, storage_with_staff: Storage) -> None:
    sign_in(app, username=COORDINATOR)
    assert "Signed in as Cory Coordinator" in page_text(app)
    for admin_page in ("audit", "accounts"):
        with pytest.raises(ValueError):
            go(app, admin_page)
    assert len(app.button(key="staff:nav:queue").proto.label) and not [
        b for b in app.button if b.key in ("staff:nav:audit", "staff:nav:accounts")]


def test_admin_pages_refuse_a_coordinator_even_if_reached(
    app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission]
) -> None:
    sign_in(app, username=COORDINATOR)
    at = AppTest.from_function(_audit_without_navigation, default_timeout=30)
    at.session_state["staff_session"] = staff_session(app)
    at.run()
    assert "Only an administrator" in page_text(at)
    assert len(at.table) == 0


def _audit_without_navigation() -> None:
    from ui.coordinator import audit_log

    audit_log.render()


def test_idle_sign_out_says_so(
    app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission], monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = submit("sensory")
    sign_in(app)
    assert saved.reference in page_text(app)
    real = time.monotonic
    monkeypatch.setattr("ui.coordinator.guard.time.monotonic", lambda: real() + 16 * 60)  # 15 min default
    app.run()
    assert saved.reference not in page_text(app)
    assert "You were signed out after 15 minutes" in page_text(app)
    with pytest.raises(ValueError):
        go(app, "queue")
    assert any(e.detail.startswith("idle") for e in storage_with_staff.list_audit() if e.event == "sign_out")


def test_oidc_allow_listed_email_signs_in(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFF_EMAILS", "coordinator@clinic.example")
    at = AppTest.from_file(APP, default_timeout=30)
    at.user = {"is_logged_in": True, "email": "Coordinator@clinic.example"}
    at.run()
    go(at, "queue")
    assert not at.exception and as_text("coordinator@clinic.example") in page_text(at)  # shown as text
    with pytest.raises(ValueError):
        go(at, "audit")  # STAFF_EMAILS are coordinators


def test_oidc_idle_sign_out_really_logs_out(
    database_url: str, monkeypatch: pytest.MonkeyPatch, submit: Callable[..., Submission]
) -> None:
    """`st.logout` was skipped on idle, so the next rerun signed the user straight back in."""
    monkeypatch.setenv("STAFF_EMAILS", "coordinator@clinic.example")
    row = submit("sensory")
    at = AppTest.from_file(APP, default_timeout=30)
    at.user = {"is_logged_in": True, "email": "coordinator@clinic.example"}
    at.run()
    go(at, "queue")
    assert row.reference in page_text(at)
    real = time.monotonic
    monkeypatch.setattr("ui.coordinator.guard.time.monotonic", lambda: real() + 16 * 60)
    at.run()
    monkeypatch.setattr("ui.coordinator.guard.time.monotonic", real)
    at.run()  # the next rerun: still signed out, no sign-in row
    assert at.user.get("is_logged_in") is False
    with pytest.raises(ValueError):
        go(at, "queue")
    assert row.reference not in page_text(at)
    storage = Storage(database_url)
    assert events(storage).count("sign_in") == 1


def test_oidc_email_not_on_list_is_refused(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFF_EMAILS", "coordinator@clinic.example")
    at = AppTest.from_file(APP, default_timeout=30)
    at.user = {"is_logged_in": True, "email": "visitor@elsewhere.example"}
    at.run()
    with pytest.raises(ValueError):
        go(at, "queue")
