"""In Chromium: the desk starts a screening on tablet front-1 from the queue, the tablet
greets the patient by the name's initial only, the patient (helped by a staff member) answers and
sends, and the saved row carries the chart number, date of birth and name, into the clinician
PDF's text and the FHIR Bundle. axe-core finds nothing serious on the new screens."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page
from pypdf import PdfReader

import access
from report import SummaryOptions, build_summary
from storage import QueueFilter, Storage, Submission
from tests.support.browser import TABLET, StreamlitServer, page_text, require_chromium, settle, start_server
from tests.support.desk_browser import desk as desk_page
from tests.support.desk_browser import sign_in, with_desk_account
from tests.support.plans import NO_PAIN
from tests.support.tablet_browser import QUESTIONNAIRE, answer_everything, tap_button
from ui.coordinator.screening import fhir_json, summary_header
from ui.patient.strings import text

KIOSK_CODE = "482913"
SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    require_chromium()
    started = start_server(tmp_path_factory.mktemp("hand-off"), TABLET_SHOWS_INITIAL="true",
                           TAP_GUARD_SECONDS="0")
    storage = Storage(started.env["DATABASE_URL"])
    with_desk_account(started)
    access.set_kiosk_code(storage, KIOSK_CODE, actor="test")
    yield started
    started.stop()


def serious(page: Page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"] if v.get("impact") in SERIOUS]


def both(key: str, **values: object) -> str:
    return " / ".join(text(key, language, **values) for language in ("en", "es"))


def wait_for_row(storage: Storage, seconds: float = 30) -> Submission:
    deadline = time.monotonic() + seconds
    while not (rows := storage.list_submissions(QueueFilter()).rows):
        assert time.monotonic() < deadline, "nothing saved"
        time.sleep(0.1)
    return rows[0]


def test_hand_off_from_the_queue_to_the_tablet_to_the_saved_row(server: StreamlitServer, browser: Browser) -> None:
    storage = Storage(server.env["DATABASE_URL"])
    desk = desk_page(browser)
    sign_in(desk, server.url)
    settle(desk)
    desk.get_by_text("Start a screening on a tablet").click()
    desk.get_by_label("Tablet (its ?tablet= name)").fill("front-1")
    desk.get_by_label("Chart number").fill("MRN-12345678")
    desk.get_by_role("spinbutton", name="year, Date of birth").click()  # a date field of segments
    desk.keyboard.type("19800203")  # year, month, day: each segment moves on to the next
    desk.get_by_label("Full name (if no date of birth: one of the two is needed)").fill("Maria Lopez")
    desk.get_by_role("button", name="Start the screening on this tablet").click()
    desk.get_by_text("Screening started on tablet front-1").wait_for(timeout=30_000)
    settle(desk)
    assert "Tablet front-1: waiting for chart MRN-12345678" in page_text(desk)
    assert serious(desk) == []
    assert "MRN" not in desk.url and "1980" not in desk.url

    tablet = browser.new_context(viewport=TABLET, has_touch=True).new_page()
    tablet.goto(f"{server.url}/?tablet=front-1")
    tablet.get_by_text(text("hand_off_greeting", "en", initial="M"), exact=False).wait_for(timeout=30_000)
    screen = page_text(tablet)
    assert "MRN" not in screen and "5678" not in screen and "1980" not in screen and "Maria" not in screen
    assert "Lopez" not in screen
    tablet.get_by_text(both("assist_section")).click()  # staff help: behind the kiosk code
    tablet.get_by_label(both("assist_who")).fill("Dana Lee")
    tablet.get_by_label(both("staff_code_label")).fill(KIOSK_CODE)
    tablet.get_by_role("button", name=both("assist_turn_on")).click()
    tablet.get_by_text(both("assist_is_on", who="answered with staff help: Dana Lee")).wait_for(timeout=30_000)
    settle(tablet)
    assert serious(tablet) == []
    tap_button(tablet, "English")
    answer_everything(tablet, NO_PAIN, "en")
    tap_button(tablet, text("submit", "en"))
    tablet.get_by_role("button", name=text("finish", "en")).wait_for(timeout=30_000)
    assert "MRN" not in page_text(tablet) and "Lopez" not in page_text(tablet)

    row = wait_for_row(storage)
    assert (row.patient_identifier, row.patient_birth_date, row.patient_name) == (
        "MRN-12345678", date(1980, 2, 3), "Maria Lopez")
    assert row.tablet == "front-1" and row.assisted == "answered with staff help: Dana Lee"
    pdf = build_summary(row.result, QUESTIONNAIRE, summary_header(row), SummaryOptions(variant="clinician"))
    first = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Chart number MRN-12345678" in first and "Date of birth 1980-02-03" in first
    assert "Name Maria Lopez" in first
    entries = [entry["resource"] for entry in json.loads(fhir_json(row, QUESTIONNAIRE, ""))["entry"]]
    (patient,) = [r for r in entries if r["resourceType"] == "Patient"]
    assert patient["birthDate"] == "1980-02-03" and patient["identifier"][0]["value"] == "MRN-12345678"
    assert patient["name"] == [{"text": "Maria Lopez"}]

    desk.reload()
    desk.get_by_role("heading", name="Screenings").wait_for(timeout=30_000)
    # The queue's grid draws on a canvas; its cells are in the page for screen readers (hidden).
    desk.get_by_text("chart MRN-12345678, born 1980-02-03, name Maria Lopez").first.wait_for(
        state="attached", timeout=30_000)
    desk.get_by_test_id("stDataFrame").first.click(position={"x": 200, "y": 52})  # the only row
    desk.get_by_role("heading", name=f"Screening {row.reference}").wait_for(timeout=30_000)
    settle(desk)
    body = page_text(desk)
    assert "Patient: chart MRN-12345678, born 1980-02-03, name Maria Lopez" in body
    assert "Answered with staff help: Dana Lee" in body
    assert serious(desk) == []
