"""Several app servers behind the proxy, in Chromium: two tablets on different app servers, one
coordinator who sees both, an urgent from the other server in the queue, and an app server
stopped mid-flow losing no submitted screening. Every page is also checked for CSP reports:
the shipped Content-Security-Policy must not block anything the app needs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from access import add_staff
from storage import QueueFilter, Storage
from tests.support.browser import TABLET, settle
from tests.support.deploy_stack import LB_COOKIE, AppServer, Stack
from tests.support.plans import NO_PAIN
from tests.support.tablet_browser import (
    answer_everything,
    open_welcome,
    reference_on_screen,
    tap_answer,
    tap_button,
    wait_for_question,
)
from ui.patient.strings import text

STAFF, PASSWORD = "desk", "several-servers-9"
URGENT = {**NO_PAIN, "self_harm_thoughts": "yes", "self_harm_now": "no"}


class Browsers:
    """Contexts pinned to one app server each; every CSP report any of them sees is kept."""

    def __init__(self, browser: Browser, stack: Stack) -> None:
        self.browser, self.stack = browser, stack
        self.contexts: list[BrowserContext] = []
        self.csp_reports: list[str] = []

    def page_on(self, server: AppServer, *, viewport: dict[str, int] = TABLET) -> Page:
        context = self.browser.new_context(viewport=viewport, ignore_https_errors=True, locale="en-US")
        context.add_cookies([{"name": LB_COOKIE, "value": server.sticky_cookie, "url": self.stack.url}])
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: self._keep(message.text))
        return page

    def _keep(self, line: str) -> None:
        if "Content Security Policy" in line or "Content-Security-Policy" in line:
            self.csp_reports.append(line)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture(scope="module")
def browsers(browser: Browser, stack: Stack) -> Iterator[Browsers]:
    opened = Browsers(browser, stack)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def storage(stack: Stack) -> Storage:
    found = Storage(stack.database_url)
    add_staff(found, STAFF, PASSWORD, role="coordinator", actor="deploy test")
    return found


def submit(page: Page, url: str, plan: dict[str, object]) -> None:
    open_welcome(page, url)
    tap_button(page, "English")
    answer_everything(page, plan, "en")  # type: ignore[arg-type]
    tap_button(page, text("submit", "en"))


def test_two_tablets_on_two_servers_and_a_coordinator_who_sees_both(
    stack: Stack, browsers: Browsers, storage: Storage
) -> None:
    first, second = stack.servers
    routine = browsers.page_on(first)
    submit(routine, stack.url, NO_PAIN)
    routine_reference = reference_on_screen(routine)
    urgent_tablet = browsers.page_on(second)
    submit(urgent_tablet, f"{stack.url}/?tablet=front-2", URGENT)
    urgent_tablet.get_by_role("heading", name=text("urgent_title", "en")).wait_for(timeout=30_000)
    urgent = storage.open_urgent_for_tablet("front-2")
    assert urgent is not None and urgent.result.urgent
    # Each browser stayed on the server it was given (Caddy re-sets the cookie only on a move).
    assert {c["value"] for c in routine.context.cookies() if c["name"] == LB_COOKIE} == {first.sticky_cookie}
    assert {c["value"] for c in urgent_tablet.context.cookies() if c["name"] == LB_COOKIE} == {second.sticky_cookie}

    desk = browsers.page_on(first, viewport={"width": 1280, "height": 900})
    desk.goto(f"{stack.url}/staff")
    desk.get_by_label("Username").fill(STAFF)
    desk.get_by_label("Password", exact=True).fill(PASSWORD)
    desk.get_by_role("button", name="Sign in").click()
    desk.get_by_role("heading", name="Screenings").wait_for(timeout=30_000)
    desk.get_by_text(urgent.reference).first.wait_for(timeout=30_000)  # the urgent from the other server
    settle(desk)
    body = desk.locator("body").inner_text()
    # Both screenings are in this server's queue (the table itself is a canvas grid: count the rows).
    assert "2 screening(s)" in body and urgent.reference in body
    assert {row.reference for row in storage.list_submissions(QueueFilter()).rows} == {routine_reference,
                                                                                    urgent.reference}
    assert browsers.csp_reports == []


def test_a_stopped_server_loses_no_submitted_screening_and_its_tablet_starts_again(
    stack: Stack, browsers: Browsers, storage: Storage
) -> None:
    first, second = stack.servers
    # This test stands alone (the safety case runs it without the one above): it submits its own
    # screening on the server it is about to stop.
    before = storage.list_submissions(QueueFilter()).total
    tablet = browsers.page_on(second)
    submit(tablet, stack.url, NO_PAIN)
    submitted = reference_on_screen(tablet)
    assert storage.list_submissions(QueueFilter()).total == before + 1
    open_welcome(tablet, stack.url)
    tap_button(tablet, "English")
    wait_for_question(tablet, {}, "pain_present", "en")
    tap_answer(tablet, "pain_present", "no", "en")
    second.stop()  # mid-flow: the answers not yet sent live only in that server's memory
    # The proxy moves the tablet to the server still running, which starts it at the welcome screen.
    tablet.get_by_role("button", name="English").wait_for(timeout=60_000)
    settle(tablet)
    assert {c["value"] for c in tablet.context.cookies() if c["name"] == LB_COOKIE} == {first.sticky_cookie}
    # Nothing submitted before the stop is lost or doubled.
    after_stop = storage.list_submissions(QueueFilter())
    assert after_stop.total == before + 1
    assert submitted in {row.reference for row in after_stop.rows}
    submit(tablet, stack.url, NO_PAIN)  # and the tablet works on the other server
    reference_on_screen(tablet)
    assert storage.list_submissions(QueueFilter()).total == before + 2
    assert browsers.csp_reports == []
