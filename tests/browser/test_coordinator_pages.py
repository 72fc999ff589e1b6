"""The coordinator's pages in a real browser: nothing without sign-in, live urgent alerts,
and an axe-core scan of each screen. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from access import hash_passcode
from scoring import load_questionnaire, score
from storage import Storage, Submission
from tests.browser.conftest import REPO, StreamlitServer, _require_chromium, start_server
from tests.core.conftest import with_categories

PASSCODE = "desk-passcode-9"
SERIOUS = {"serious", "critical"}
QUESTIONNAIRE = load_questionnaire(REPO / "questionnaires" / "crps.yaml")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    _require_chromium()
    started = start_server(tmp_path_factory.mktemp("coordinator"))
    Storage(started.env["DATABASE_URL"]).set_passcode_hash(hash_passcode(PASSCODE))
    yield started
    started.stop()


@pytest.fixture(scope="module")
def storage(server: StreamlitServer) -> Storage:
    return Storage(server.env["DATABASE_URL"])


def save(storage: Storage, key: str, *categories: str, **answers: object) -> Submission:
    result = score(QUESTIONNAIRE, with_categories(*categories, **answers))
    return storage.save_submission(idempotency_key=key, result=result, language="en")


def desk(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    return context.new_page()


def settle(page: Page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')")


def sign_in(page: Page, url: str) -> None:
    page.goto(f"{url}/staff")
    page.get_by_label("Coordinator passcode").fill(PASSCODE)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Screenings").wait_for(timeout=20_000)
    settle(page)


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"] if v.get("impact") in SERIOUS]


@pytest.mark.parametrize("path", ["/queue", "/submission", "/audit", "/staff"])
def test_direct_url_without_sign_in_shows_no_patient_data(
    browser: Browser, server: StreamlitServer, storage: Storage, path: str
) -> None:
    secret = save(storage, f"direct-{path}", "sensory", "vasomotor", cold_pale_numb_limb="yes")
    page = desk(browser)
    page.goto(f"{server.url}{path}")
    page.get_by_role("button").first.wait_for(timeout=20_000)
    settle(page)
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
    page.get_by_text(urgent.reference).first.wait_for(timeout=15_000)  # the 5-second fragment refresh
    banner = page.get_by_text("URGENT:", exact=False).first
    assert banner.is_visible()
    assert banner.bounding_box()["y"] < page.get_by_text("Screenings per day").bounding_box()["y"]  # pinned on top
    settle(page)
    page.screenshot(path=str(artifacts_dir / "coordinator-queue-urgent.png"), full_page=True)
    assert serious_violations(page) == []
    page.context.close()


def test_detail_page_and_accessibility(
    browser: Browser, server: StreamlitServer, storage: Storage, artifacts_dir: Path
) -> None:
    row = save(storage, "detail", "sensory", "vasomotor", "sudomotor_edema", fever_with_hot_red_limb="yes")
    page = desk(browser)
    page.goto(f"{server.url}/staff")
    page.get_by_label("Coordinator passcode").wait_for()
    settle(page)
    assert serious_violations(page) == []
    page.screenshot(path=str(artifacts_dir / "coordinator-sign-in.png"), full_page=True)
    sign_in(page, server.url)
    page.get_by_role("button", name="Open", exact=True).last.wait_for()
    page.get_by_text(row.reference).first.wait_for()
    # The urgent banner's own Open button for this row.
    urgent_rows = page.get_by_role("button", name="Open", exact=True)
    urgent_rows.first.click()
    page.get_by_role("heading", name=f"Screening {row.reference}").wait_for(timeout=20_000)
    settle(page)
    body = page.inner_text("body")
    assert "Suggestion: Referral suggested" in body and "not a diagnosis" in body
    assert "possible infection" in body
    page.screenshot(path=str(artifacts_dir / "coordinator-detail.png"), full_page=True)
    assert serious_violations(page) == []
    page.context.close()


def test_hostile_note_is_shown_as_text(browser: Browser, server: StreamlitServer, storage: Storage) -> None:
    hostile = '<img src=x onerror="window.__owned=1"><script>window.__owned=2</script>**bold**'
    row = save(storage, "hostile", "sensory", stroke_signs="yes")
    page = desk(browser)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, server.url)
    page.get_by_text(row.reference).first.wait_for()
    page.get_by_role("button", name="Open", exact=True).first.click()
    page.get_by_role("heading", name=f"Screening {row.reference}").wait_for(timeout=20_000)
    settle(page)
    page.get_by_label("Note (optional)").fill(hostile)
    page.get_by_role("button", name="Save review").click()
    page.get_by_text("Saved.").wait_for(timeout=20_000)
    settle(page)
    assert page.get_by_text(hostile, exact=True).count() >= 1  # the note, character for character
    assert page.evaluate("window.__owned") is None and dialogs == []
    assert page.locator("img[src='x']").count() == 0
    page.context.close()


def test_idle_coordinator_is_signed_out_without_a_click(
    browser: Browser, streamlit_server: Callable[..., StreamlitServer]
) -> None:
    quick = streamlit_server(STAFF_IDLE_MINUTES="0.1")  # 6 seconds
    storage = Storage(quick.env["DATABASE_URL"])
    storage.set_passcode_hash(hash_passcode(PASSCODE))
    row = save(storage, "idle", "sensory", "vasomotor")
    page = desk(browser)
    sign_in(page, quick.url)
    page.get_by_text(row.reference).first.wait_for(state="attached")
    heading = page.get_by_role("heading", name="Screenings")
    heading.wait_for(state="detached", timeout=25_000)  # signed out on a timer, no click needed
    settle(page)
    assert row.reference not in page.content()
    assert "idle" in [e.detail for e in storage.list_audit() if e.event == "sign_out"]
    page.context.close()
