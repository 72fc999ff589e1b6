"""The coordinator's steps at the desk in a real browser: the desk's admin account, seeded
screenings, sign-in, filtering the queue by reference, opening an urgent screening."""

from __future__ import annotations

from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from access import add_staff
from scoring import load_questionnaire, score
from storage import Storage, Submission
from tests.support.answers import DEFAULT_QUESTIONNAIRE, with_categories
from tests.support.browser import StreamlitServer

PASSCODE = "desk-passcode-9"
USERNAME = "desk"
QUESTIONNAIRE = load_questionnaire(DEFAULT_QUESTIONNAIRE)


def with_desk_account(server: StreamlitServer) -> StreamlitServer:
    """The server, with the desk's admin account (USERNAME, PASSCODE) added to its database."""
    add_staff(Storage(server.env["DATABASE_URL"]), USERNAME, PASSCODE, role="admin", actor="test")
    return server


def save(storage: Storage, key: str, *categories: str, **answers: object) -> Submission:
    """Save an English screening with a "yes" in each named category (and these answers)."""
    result = score(QUESTIONNAIRE, with_categories(*categories, **answers))
    return storage.save_submission(idempotency_key=key, result=result, language="en")


def desk(browser: Browser) -> Page:
    """A new page in its own context, as wide as a desk PC's screen."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    return context.new_page()


def settle_desk(page: Page) -> None:
    """Wait until no element of the last screen is left (marked stale). Unlike
    tests.support.browser.settle it does not wait for the run to finish."""
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')")


def sign_in(page: Page, url: str, username: str = USERNAME, password: str = PASSCODE, *,
            timeout: float = 30_000) -> None:
    """Sign in (by default as the desk's admin) and wait for the queue, its last screen gone."""
    page.goto(f"{url}/staff")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Screenings").wait_for(timeout=timeout)
    settle_desk(page)


def open_urgent(page: Page, row: Submission) -> None:
    """Click the urgent list's Open button on this screening's line."""
    line = page.get_by_test_id("stHorizontalBlock").filter(has_text=row.reference).filter(
        has=page.get_by_role("button", name="Open", exact=True)).first
    line.wait_for(timeout=30_000)
    line.get_by_role("button", name="Open", exact=True).click()
    page.get_by_role("heading", name=f"Screening {row.reference}").wait_for(timeout=30_000)
    settle_desk(page)


def filter_by_reference(page: Page, reference: str, expected: int) -> None:
    """Type this reference (or "" to clear it) into the queue's filter, press Enter and wait
    until the queue counts exactly `expected` screenings. The count is matched whole: "1
    screening(s)" is also a part of "11 screening(s)", so a substring wait passed before the
    filter ran. A run may fold the filter away as it fills, or swallow the Enter; then it
    opens the filter and types again."""
    toggle = page.get_by_text("Filter and search")
    box = page.get_by_label("Reference code")
    count = page.get_by_text(f"{expected} screening(s)", exact=True)
    for _ in range(5):
        try:
            if not box.is_visible():
                toggle.click(timeout=10_000)
            box.fill(reference, timeout=5_000)
            box.press("Enter", timeout=5_000)
            count.wait_for(timeout=10_000)
            break
        except PlaywrightTimeoutError:
            settle_desk(page)
    count.wait_for(timeout=20_000)
    settle_desk(page)
