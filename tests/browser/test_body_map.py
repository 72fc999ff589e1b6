"""The body map in Chromium: chosen by mouse and by keyboard alone, shown highlighted on the
outline and listed in words, with no serious accessibility problem (axe)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.browser import StreamlitServer, settle
from ui.patient.strings import text


@pytest.fixture
def page(server: StreamlitServer, browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 820, "height": 1180}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(90_000)  # a busy machine: wait for conditions, however long they take
    page.goto(f"{server.url}/?tablet=map-1")
    page.get_by_role("button", name="English").click()
    page.get_by_test_id("stRadio").get_by_text("Yes", exact=True).click()
    page.get_by_role("radio", name="Yes", checked=True).wait_for(state="attached")
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Right arm or hand").wait_for()
    settle(page)
    yield page
    context.close()


def _chosen_on_outline(page: Any) -> dict[str, str]:
    """Each region of the drawn outline (the SVG inside the picture) and whether it is filled as chosen."""
    return dict(page.evaluate("""() => {
        const img = document.querySelector('img.body-map');
        const svg = new DOMParser().parseFromString(atob(img.src.split(',')[1]), 'image/svg+xml');
        return Object.fromEntries(Array.from(svg.querySelectorAll('[data-region]')).map(
            (p) => [p.dataset.region, p.getAttribute('fill') === '#1d4ed8' ? 'true' : 'false']));
    }"""))


def test_by_mouse_a_region_is_highlighted_and_listed_in_words(page: Any) -> None:
    assert _chosen_on_outline(page) == {"right_arm": "false", "left_arm": "false", "right_leg": "false",
                                        "left_leg": "false"}
    page.get_by_role("button", name="Left leg or foot").click()
    page.get_by_role("button", name=text("body_map_chosen", "en", label="Left leg or foot")).wait_for()
    page.get_by_text(text("body_map_you_chose", "en", places="Left leg or foot")).wait_for()
    settle(page)
    assert _chosen_on_outline(page) == {"right_arm": "false", "left_arm": "false", "right_leg": "false",
                                        "left_leg": "true"}
    alt = page.locator("img.body-map").get_attribute("alt")
    assert alt == text("body_map_picture", "en", places="Left leg or foot")
    # The patient's left is on the right of the screen (the figure faces them).
    leg = page.get_by_role("button", name=text("body_map_chosen", "en", label="Left leg or foot")).bounding_box()
    arm = page.get_by_role("button", name="Right arm or hand").bounding_box()
    assert leg["x"] > arm["x"] + 200


def test_by_keyboard_alone_a_region_is_chosen(page: Any) -> None:
    settle(page)  # nothing redrawn under the keyboard while it moves
    page.evaluate("() => document.activeElement && document.activeElement.blur()")  # start from the page
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => { const e = document.activeElement;
            return e && e.tagName === 'BUTTON' ? e.innerText.trim() : ''; }""")  # a button, not a scroll area
        if focused == "Right leg or foot":
            break
    else:
        pytest.fail("Tab never reached the right-leg region")
    page.keyboard.press("Enter")  # a button takes Enter (and Space) from the keyboard
    page.get_by_role("button", name=text("body_map_chosen", "en", label="Right leg or foot")).wait_for()
    settle(page)
    assert _chosen_on_outline(page)["right_leg"] == "true"
    assert page.get_by_text(text("body_map_you_chose", "en", places="Right leg or foot")).is_visible()


def test_the_body_map_has_no_serious_accessibility_problem(page: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.get_by_role("button", name="Right arm or hand").click()
    page.get_by_role("button", name=text("body_map_chosen", "en", label="Right arm or hand")).wait_for()
    settle(page)
    # Colours as they end up: no button caught half-way through its hover/press colour change.
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; animation: none !important; }")
    results = Axe().run(page)
    bad = [(v["id"], [node["html"][:120] for node in v["nodes"]])
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], f"serious/critical axe violations {bad}"
