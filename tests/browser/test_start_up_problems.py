"""A bad setting or a database newer than the code: staff on /staff read the one line that
names it; the tablet says only "not available, tell the front desk"."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Browser, Page
from sqlalchemy import create_engine, text

from storage import Storage
from tests.support.browser import StreamlitServer

FRONT_DESK = "This check is not available right now. Please tell the front desk."


def _shown(browser: Browser, url: str) -> str:
    page: Page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(url)
    page.get_by_text("not available right now" if "/staff" not in url else "cannot start").first.wait_for(
        timeout=30_000)
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')")
    body = page.inner_text("body")
    page.context.close()
    return body


def test_bad_setting_is_named_for_staff_and_hidden_from_patients(
    browser: Browser, streamlit_server: Callable[..., StreamlitServer]
) -> None:
    server = streamlit_server(SMTP_PORT="seventy", SMTP_PASSWORD="hunter2")
    staff = _shown(browser, f"{server.url}/staff")
    assert "SMTP_PORT: 'seventy' is not a port number (1-65535)" in staff and "hunter2" not in staff
    patient = _shown(browser, server.url)
    assert FRONT_DESK in patient and "SMTP_PORT" not in patient and "Español" not in patient


def test_database_newer_than_the_code_is_refused(
    browser: Browser, streamlit_server: Callable[..., StreamlitServer]
) -> None:
    server = streamlit_server()
    url = server.env["DATABASE_URL"]
    Storage(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    engine.dispose()
    staff = _shown(browser, f"{server.url}/staff")
    assert "'0099_from_the_future', newer than this code" in staff
    assert FRONT_DESK in _shown(browser, server.url)
