"""The coordinator's pages in AppTest: the app file, the two test accounts' names and passcode,
opening a page by its URL path or a screening's page, signing in, reading what a page shows as
text, and the audit's event names."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from storage import Storage, Submission
from ui.coordinator.session import StaffSession

PASSCODE = "front-desk-2026"
ADMIN = "ada"
COORDINATOR = "cory"
REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")


def go(at: AppTest, url_path: str) -> AppTest:
    """Open a coordinator page as a browser would by its URL path ("queue"). AppTest's own
    `switch_page` takes only file paths; our pages are `st.Page` objects made from functions,
    so this sets the page AppTest runs next (the hash Streamlit gives a page's URL path)."""
    page_hash = calc_hash(url_path)
    if page_hash not in at._registered_pages:  # what st.navigation registered in the last run
        raise ValueError(f"Could not find a navigation page for {url_path!r}")
    at._page_hash = page_hash
    at.run()
    at._page_hash = ""  # later runs stay on the page this run finished on (as a browser does)
    return at


def sign_in(at: AppTest, passcode: str = PASSCODE, username: str = ADMIN) -> AppTest:
    go(at, "staff")
    at.text_input(key="staff:username").input(username)
    at.text_input(key="staff:password").input(passcode)
    at.button(key="FormSubmitter:staff:sign-in-Sign in").click().run()
    return at


def staff_session(at: AppTest) -> StaffSession:
    session = at.session_state["staff_session"]
    assert isinstance(session, StaffSession)
    return session


def page_text(at: AppTest) -> str:
    """Everything the page shows as text (markdown, text, captions, alerts, tables)."""
    parts: list[str] = []
    for kind in ("markdown", "text", "caption", "title", "subheader", "error", "warning", "info", "success"):
        parts += [str(element.value) for element in getattr(at, kind)]
    for frame in at.dataframe:
        parts.append(frame.value.to_csv())
    for table in at.table:
        parts.append(table.value.to_csv())
    for block in at.get("html"):
        parts.append(str(block.proto.body))
    return "\n".join(parts)


def events(storage: Storage) -> list[str]:
    """The audit's event names, oldest first (the last 500)."""
    return [event.event for event in reversed(storage.list_audit(limit=500))]


def open_detail(at: AppTest, row: Submission) -> AppTest:
    """Open this screening's page, as a click on its row in the queue does."""
    staff_session(at).selected_id = row.id
    return go(at, "screening")
