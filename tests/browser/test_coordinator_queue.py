"""The queue as a new user met it, in Chromium: the "Screenings per
day" chart draws its bars, a click on a row (or the keyboard moving onto it) opens that screening,
the staff pages stay wide after a filter, and the alerts button looks like the pages' buttons."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError

from storage import Storage, Submission
from tests.support.browser import StreamlitServer, require_chromium, settle, start_server
from tests.support.damage import damaged_database
from tests.support.desk_browser import desk, filter_by_reference, save, sign_in, with_desk_account


@pytest.fixture(scope="module")
def server(server: StreamlitServer) -> StreamlitServer:
    """The module's app with the desk's admin account."""
    return with_desk_account(server)


@pytest.fixture(scope="module")
def rows(storage: Storage) -> list[Submission]:
    return [save(storage, f"queue-{n}", "sensory", "vasomotor", *(["sudomotor_edema"] if n % 2 else []))
            for n in range(11)]


BAR_PIXELS = """async (image) => {
  // Draw the chart as the browser rendered it and count the pixels in a bar colour (chart.py's
  // COLOURS): the marks, not only the heading and the legend.
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.naturalWidth; canvas.height = image.naturalHeight;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  const colours = [[0x1d, 0x4e, 0xd8], [0xb4, 0x53, 0x09], [0x04, 0x78, 0x57]];
  let count = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    if (colours.some(([r, g, b]) => Math.abs(pixels[i] - r) < 8 && Math.abs(pixels[i + 1] - g) < 8
        && Math.abs(pixels[i + 2] - b) < 8 && pixels[i + 3] > 200)) count++;
  }
  return count;
}"""


def test_screenings_per_day_chart_draws_its_bars(browser: Browser, server: StreamlitServer,
                                                 rows: list[Submission]) -> None:
    """Heading and legend only. st.html sanitises with DOMPurify's HTML profile,
    which drops every <svg> element; the chart is now an image of the same SVG."""
    page = desk(browser)
    sign_in(page, server.url)
    page.get_by_text("Screenings per day").wait_for(timeout=20_000)
    settle(page)
    chart = page.get_by_role("img", name="Screenings per day")
    chart.wait_for(timeout=20_000)
    box = chart.bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 50
    assert chart.evaluate(BAR_PIXELS) > 200  # 11 screenings today: one visible stacked bar
    page.context.close()


def test_a_click_anywhere_on_a_row_opens_it(browser: Browser, server: StreamlitServer,
                                           rows: list[Submission]) -> None:
    """A click on the row's cells only selected a cell (the row's tick box opened it)."""
    page = desk(browser)
    sign_in(page, server.url)
    filter_by_reference(page, rows[3].reference, expected=1)
    heading = page.get_by_role("heading", name=f"Screening {rows[3].reference}")
    for _ in range(4):  # the grid can be redrawn under the pointer (the chart's image loading above)
        try:
            # Playwright scrolls it into view and waits until it stops moving, then clicks the
            # "Submitted" cell of the first row.
            page.get_by_test_id("stDataFrame").first.click(position={"x": 200, "y": 52}, timeout=15_000)
            heading.wait_for(timeout=15_000)
            break
        except PlaywrightError:
            settle(page)
    heading.wait_for(timeout=20_000)
    page.context.close()


def test_the_keyboard_opens_a_row(browser: Browser, server: StreamlitServer, rows: list[Submission]) -> None:
    """From the keyboard: in the grid the selected cell follows the keyboard, so the
    first arrow key onto a row opens it (st.dataframe reports no separate Enter)."""
    page = desk(browser)
    sign_in(page, server.url)
    filter_by_reference(page, rows[4].reference, expected=1)
    settle(page)  # the filter's run has drawn its grid: the one to focus
    heading = page.get_by_role("heading", name=f"Screening {rows[4].reference}")
    for _ in range(4):  # the grid can be redrawn under the keyboard (the chart's image loading above)
        try:
            grid = page.get_by_test_id("stDataFrame").first
            grid.scroll_into_view_if_needed(timeout=15_000)
            grid.locator("canvas").first.focus(timeout=15_000)
            page.keyboard.press("ArrowDown")  # onto the first row
            heading.wait_for(timeout=15_000)
            break
        except PlaywrightError:
            settle(page)
    heading.wait_for(timeout=20_000)
    page.context.close()


NARROWEST = """() => {
  // Every frame, the main block's width: a run that puts the patient's narrow layout up even for
  // a moment (a "centered" page config before the "wide" one) is caught, not only the last state.
  window.__narrowest = Infinity;
  const look = () => {
    const block = document.querySelector('[data-testid="stMainBlockContainer"]');
    if (block) window.__narrowest = Math.min(window.__narrowest, block.getBoundingClientRect().width);
    requestAnimationFrame(look);
  };
  look();
}"""


def test_staff_layout_stays_wide_after_a_filter(browser: Browser, server: StreamlitServer,
                                                rows: list[Submission]) -> None:
    """After a filter the page fell back to the patient's narrow width and the
    header's buttons were cut to "Qu…"."""
    page = desk(browser)  # 1280 px wide
    sign_in(page, server.url)
    page.evaluate(NARROWEST)
    filter_by_reference(page, rows[5].reference, expected=1)
    filter_by_reference(page, "", expected=len(rows))
    settle(page)
    assert page.evaluate("() => window.__narrowest") > 1000
    queue_button = page.get_by_role("button", name="Queue", exact=True)
    assert queue_button.inner_text().strip() == "Queue"
    assert queue_button.evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # not cut off
    page.context.close()


def test_turn_on_alerts_looks_like_the_pages_buttons(browser: Browser, server: StreamlitServer) -> None:
    """"Turn on sound and desktop alerts" was the browser's bare grey button."""
    page = desk(browser)
    sign_in(page, server.url)
    ours = page.frame_locator("iframe").first.get_by_role("button", name="Turn on sound and desktop alerts")
    ours.wait_for(timeout=20_000)
    look = "e => { const s = getComputedStyle(e); return [s.borderTopLeftRadius, s.borderTopColor, " \
           "s.backgroundColor, Math.round(e.getBoundingClientRect().height)]; }"
    theirs = page.get_by_role("button", name="Queue", exact=True).evaluate(look)
    assert ours.evaluate(look) == theirs
    page.context.close()


def test_a_damaged_database_is_one_line_for_staff(browser: Browser, tmp_path: Path) -> None:
    """A damaged SQLite file was used without complaint; now `PRAGMA quick_check` at start
    refuses it, staff on /staff read the one line, and the tablet says only "tell the front desk"."""
    require_chromium()
    url = damaged_database(tmp_path)
    server = start_server(tmp_path, "damaged")  # its own file, then pointed at the damaged one
    server.stop()
    server = StreamlitServer({**server.env, "DATABASE_URL": url}, tmp_path / "damaged-app.log")
    try:
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(f"{server.url}/staff")
        page.get_by_text("cannot start").first.wait_for(timeout=30_000)
        settle(page)
        shown = page.inner_text("body")
        assert "is damaged" in shown and "restore it from a backup" in shown and "Traceback" not in shown
        page.goto(server.url)
        page.get_by_text("Please tell the front desk").first.wait_for(timeout=30_000)
        assert "damaged" not in page.inner_text("body")
        page.context.close()
    finally:
        server.stop()
