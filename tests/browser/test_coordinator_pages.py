"""The coordinator's pages in a real browser: nothing without sign-in, live urgent alerts,
and an axe-core scan of each screen. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from access import add_staff
from storage import Storage
from tests.support.browser import StreamlitServer
from tests.support.desk_browser import (
    PASSCODE,
    USERNAME,
    desk,
    filter_by_reference,
    open_urgent,
    save,
    settle_desk,
    sign_in,
    with_desk_account,
)

SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="module")
def server(server: StreamlitServer) -> StreamlitServer:
    """The module's app with the desk's admin account."""
    return with_desk_account(server)


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"] if v.get("impact") in SERIOUS]


@pytest.mark.parametrize("path", ["/queue", "/screening", "/audit", "/staff"])
def test_direct_url_without_sign_in_shows_no_patient_data(
    browser: Browser, server: StreamlitServer, storage: Storage, path: str
) -> None:
    secret = save(storage, f"direct-{path}", "sensory", "vasomotor", hand_or_foot_newly_pale="yes")
    page = desk(browser)
    page.goto(f"{server.url}{path}")
    page.get_by_role("button").first.wait_for(timeout=20_000)
    settle_desk(page)
    body = page.inner_text("body")
    assert secret.reference not in body
    assert "URGENT" not in body
    page.context.close()


def test_new_urgent_submission_appears_without_a_click(
    browser: Browser, server: StreamlitServer, storage: Storage, artifacts_dir: Path
) -> None:
    page = desk(browser)
    sign_in(page, server.url)
    page.screenshot(path=str(artifacts_dir / "coordinator-queue-before.png"), full_page=True)
    urgent = save(storage, "live-urgent", "sensory", self_harm_thoughts="yes")  # another context: the tablet
    page.get_by_text(urgent.reference).first.wait_for(timeout=60_000)  # 5-second refresh; slow when loaded
    banner = page.get_by_text("URGENT:", exact=False).first
    assert banner.is_visible()
    today = page.get_by_text("clinic time) by suggestion")  # "Today (YYYY-MM-DD, clinic time) by suggestion"
    assert banner.bounding_box()["y"] < today.bounding_box()["y"]  # pinned on top
    settle_desk(page)
    page.screenshot(path=str(artifacts_dir / "coordinator-queue-urgent.png"), full_page=True)
    assert serious_violations(page) == []
    page.context.close()


def test_detail_page_and_accessibility(
    browser: Browser, server: StreamlitServer, storage: Storage, artifacts_dir: Path
) -> None:
    row = save(storage, "detail", "sensory", "vasomotor", "sudomotor_edema", fever_with_hot_red_limb="yes")
    page = desk(browser)
    page.goto(f"{server.url}/staff")
    page.get_by_label("Password", exact=True).wait_for()
    settle_desk(page)
    assert serious_violations(page) == []
    page.screenshot(path=str(artifacts_dir / "coordinator-sign-in.png"), full_page=True)
    sign_in(page, server.url)
    open_urgent(page, row)
    # The detail page streams in: no stale element does not mean the run has drawn everything yet.
    page.get_by_text("Suggestion: Referral suggested").wait_for(timeout=20_000)
    page.get_by_role("heading", name="Downloads").wait_for(timeout=20_000)
    settle_desk(page)
    body = page.inner_text("body")
    assert "Suggestion: Referral suggested" in body and "not a diagnosis" in body
    assert "possible infection" in body
    page.screenshot(path=str(artifacts_dir / "coordinator-detail.png"), full_page=True)
    assert serious_violations(page) == []
    page.context.close()


def test_hostile_note_is_shown_as_text(browser: Browser, server: StreamlitServer, storage: Storage) -> None:
    hostile = '<img src=x onerror="window.__owned=1"><script>window.__owned=2</script>**bold**'
    row = save(storage, "hostile", "sensory", stroke_signs_last_hours="yes")
    page = desk(browser)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, server.url)
    open_urgent(page, row)
    settle_desk(page)
    page.get_by_label("Note (optional)").fill(hostile)
    page.get_by_role("button", name="Save review").click()
    page.get_by_text("Saved.").wait_for(timeout=20_000)
    settle_desk(page)
    assert page.get_by_text(hostile, exact=True).count() >= 1  # the note, character for character
    assert page.evaluate("window.__owned") is None and dialogs == []
    assert page.locator("img[src='x']").count() == 0
    page.context.close()


def test_idle_coordinator_is_signed_out_without_a_click(
    browser: Browser, streamlit_server: Callable[..., StreamlitServer]
) -> None:
    quick = streamlit_server(STAFF_IDLE_MINUTES="0.1")  # 6 seconds: "after 1 minute" (rounded up)
    storage = Storage(quick.env["DATABASE_URL"])
    add_staff(storage, USERNAME, PASSCODE, role="admin", actor="test")
    row = save(storage, "idle", "sensory", "vasomotor")
    page = desk(browser)
    sign_in(page, quick.url)
    page.get_by_text(row.reference).first.wait_for(state="attached")
    page.get_by_text("You were signed out after").wait_for(timeout=25_000)  # on a timer, no click needed
    settle_desk(page)
    assert page.get_by_role("heading", name="Staff sign-in").is_visible()
    assert row.reference not in page.content()
    assert any(e.detail.startswith("idle") for e in storage.list_audit() if e.event == "sign_out")
    page.context.close()


def test_click_a_row_opens_it_and_the_grid_has_no_download(
    browser: Browser, server: StreamlitServer, storage: Storage
) -> None:
    row = save(storage, "row-click", "sensory", "vasomotor")
    page = desk(browser)
    sign_in(page, server.url)
    filter_by_reference(page, row.reference, expected=1)
    grid = page.get_by_test_id("stDataFrame").first
    grid.hover()
    assert page.get_by_role("button", name="Download as CSV").count() == 0  # no unaudited export
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 15, box["y"] + 52)  # the first data row's selection cell
    page.get_by_role("heading", name=f"Screening {row.reference}").wait_for(timeout=20_000)
    page.context.close()


def test_sixty_open_urgents_all_listed_oldest_first(
    browser: Browser, streamlit_server: Callable[..., StreamlitServer]
) -> None:
    """The list stopped at 50 and the banner said 50 when 60 were open. Only
    same-day rows are paged (emergencies and talk-now are always on the first screen)."""
    quick = streamlit_server()
    storage = Storage(quick.env["DATABASE_URL"])
    add_staff(storage, USERNAME, PASSCODE, role="admin", actor="test")
    rows = [save(storage, f"sixty-{n}", "sensory", fever_with_hot_red_limb="yes") for n in range(60)]
    page = desk(browser)
    sign_in(page, quick.url)
    page.get_by_text("URGENT: 60 open urgent screening(s)").wait_for(timeout=20_000)
    seen: list[str] = []
    for number in range(3):
        # The banner can draw before the list's lines: wait for this page's first and last row.
        for row in (rows[20 * number], rows[20 * number + 19]):
            page.get_by_text(row.reference).first.wait_for(timeout=20_000)
        settle_desk(page)
        body = page.inner_text("body")
        seen += [r.reference for r in rows if r.reference in body and r.reference not in seen]
        if number < 2:
            page.get_by_role("button", name="Newer same-day →").click()
            page.get_by_text(f"Same-day page {number + 2} of 3").wait_for(timeout=20_000)
    assert seen == [r.reference for r in rows]  # every one, oldest first
    page.context.close()


def test_a_new_emergency_is_above_the_fold_over_a_same_day_backlog(
    browser: Browser, streamlit_server: Callable[..., StreamlitServer]
) -> None:
    """Hazard H58: 36 open same-day urgents from yesterday, then a new emergency and a
    talk-now: both are in view at sign-in, without scrolling, above every same-day row."""
    from datetime import timedelta

    from sqlalchemy import update

    from storage.schema import submissions

    quick = streamlit_server()
    storage = Storage(quick.env["DATABASE_URL"])
    add_staff(storage, USERNAME, PASSCODE, role="admin", actor="test")
    backlog = [save(storage, f"backlog-{n}", "sensory", fever_with_hot_red_limb="yes") for n in range(36)]
    with storage.engine.begin() as connection:  # raised yesterday, oldest first
        for row in backlog:
            connection.execute(update(submissions).where(submissions.c.id == row.id).values(
                created_at=row.created_at - timedelta(days=1)))
    stroke = save(storage, "stroke", "sensory", stroke_signs_last_hours="yes")
    talk = save(storage, "talk", "sensory", self_harm_thoughts="yes")
    page = desk(browser)
    sign_in(page, quick.url)
    page.get_by_text("URGENT: 38 open urgent screening(s)").wait_for(timeout=30_000)
    settle_desk(page)
    height = page.viewport_size["height"] if page.viewport_size else 900

    def tops() -> dict[str, float]:
        found = {}
        for row in (stroke, talk, backlog[0]):
            line = page.get_by_text(row.reference, exact=True).first
            line.wait_for(timeout=20_000)
            box = line.bounding_box()
            assert box is not None
            found[row.reference] = box["y"]
        return found

    def in_view_in_order(at: dict[str, float]) -> bool:
        return (at[stroke.reference] + 20 < height and at[talk.reference] + 20 < height  # no scrolling
                and at[stroke.reference] < at[talk.reference] < at[backlog[0].reference])

    # Read the layout once it holds still: under load a run of the live list's fragment can redraw
    # the page's top while the lines are measured one by one (a full-suite run saw one such frame).
    at = tops()
    for _ in range(10):
        if in_view_in_order(at):
            break
        page.wait_for_timeout(1_000)
        settle_desk(page)
        at = tops()
    assert in_view_in_order(at), at
    assert "1 emergency, 1 talk-now, 36 same-day" in page.inner_text("body")
    page.context.close()


def test_coordinator_pages_wide_patient_page_centered(browser: Browser, server: StreamlitServer) -> None:
    page = desk(browser)  # 1280 px wide
    page.goto(server.url)
    page.get_by_role("button").first.wait_for(timeout=20_000)
    settle_desk(page)
    patient = page.get_by_test_id("stMainBlockContainer").bounding_box()
    sign_in(page, server.url)
    # The layout changes with the page's run; wait for it to settle rather than read mid-change.
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stMainBlockContainer\"]').getBoundingClientRect().width > 800",
        timeout=20_000,
    )
    assert patient is not None and patient["width"] < 800
    page.context.close()
