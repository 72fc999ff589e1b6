"""The admin's pages in AppTest: staff accounts added and disabled, and the audit log."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from storage import Storage, Submission
from tests.support.coordinator_app import (
    events,
    go,
    open_detail,
    page_text,
    sign_in,
)


def test_admin_adds_and_disables_an_account(app: AppTest, storage_with_staff: Storage) -> None:
    import access

    sign_in(app)
    go(app, "accounts")
    app.text_input(key="staff:accounts:new-username").input("nina")
    app.text_input(key="staff:accounts:new-name").input("Nina Nurse")
    app.text_input(key="staff:accounts:new-password").input("a-long-first-password")
    app.button(key="FormSubmitter:staff:accounts:add-Add account").click().run()
    assert "Added nina" in page_text(app)
    assert "nina" in [m.username for m in access.list_staff(storage_with_staff)]
    app.selectbox(key="staff:accounts:who").select("nina")
    app.selectbox(key="staff:accounts:action").select("disable")
    app.button(key="FormSubmitter:staff:accounts:change-Apply").click().run()
    assert [m.disabled for m in access.list_staff(storage_with_staff) if m.username == "nina"] == [True]


def test_audit_page_shows_reference_and_is_audited(
    app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission]
) -> None:
    row = submit("sensory")
    sign_in(app)
    open_detail(app, row)
    go(app, "audit")
    frame = app.table[0].value
    viewed = frame[frame["What"] == "viewed"]
    assert list(viewed["Screening"]) == [row.reference]  # the reference, not the internal id
    assert "audit_viewed" in events(storage_with_staff) and "queue_viewed" in events(storage_with_staff)
