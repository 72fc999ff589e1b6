"""The clinician's examination in Chromium: a coordinator cannot record one; a clinician
records one, the Screen accuracy figures change, the audit names the clinician, and a second save
keeps the first."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from access import add_staff
from scoring import load_questionnaire, score
from storage import Storage, Submission
from storage.examinations import examinations_for
from tests.support.answers import with_categories
from tests.support.browser import REPO, StreamlitServer, page_text, settle
from tests.support.desk_browser import desk, open_urgent, sign_in

PASSWORD = "exam-passcode-9"
QUESTIONNAIRE = load_questionnaire(REPO / "questionnaires" / "crps.yaml")
WAIT = 30_000


@pytest.fixture(scope="module")
def server(server: StreamlitServer) -> StreamlitServer:
    """The module's app with a coordinator and a clinician."""
    storage = Storage(server.env["DATABASE_URL"])
    add_staff(storage, "cory", PASSWORD, role="coordinator", display_name="Cory Coordinator", actor="test")
    add_staff(storage, "cleo", PASSWORD, role="clinician", display_name="Cleo Clinician", actor="test")
    return server


def _sign_in(browser: Browser, url: str, username: str) -> Page:
    page = desk(browser)
    sign_in(page, url, username, PASSWORD, timeout=WAIT)
    settle(page)
    return page


def _open(page: Page, row: Submission) -> None:
    open_urgent(page, row)
    settle(page)


def _accuracy_text(page: Page, expected: str) -> str:
    page.get_by_role("button", name="Screen accuracy").click()
    page.get_by_role("heading", name="Screen accuracy").wait_for(timeout=WAIT)
    page.get_by_text(expected).first.wait_for(timeout=WAIT)
    return page_text(page)


def _click(page: Page, label: str, role: str = "checkbox") -> None:
    """Tick a checkbox or choose a radio option by its accessible name, then wait for the rerun."""
    page.get_by_role(role, name=label, exact=True).click(force=True)  # type: ignore[arg-type]
    page.get_by_role(role, name=label, exact=True).wait_for(timeout=WAIT)  # type: ignore[arg-type]
    assert page.get_by_role(role, name=label, exact=True).is_checked()  # type: ignore[arg-type]
    settle(page)


def test_coordinator_cannot_and_clinician_records_an_examination(browser: Browser, server: StreamlitServer) -> None:
    storage = Storage(server.env["DATABASE_URL"])
    result = score(QUESTIONNAIRE, with_categories("sensory", "vasomotor", "motor_trophic",
                                                  pain_disproportionate="yes", stroke_signs_last_hours="yes"))
    row = storage.save_submission(idempotency_key="exam-1", result=result, language="en")

    coordinator = _sign_in(browser, server.url, "cory")
    _open(coordinator, row)
    assert "Only a clinician or an administrator can record an examination." in page_text(coordinator)
    assert coordinator.get_by_role("button", name="Record examination").count() == 0
    coordinator.context.close()

    page = _sign_in(browser, server.url, "cleo")
    assert "too few to tell (0 of 0)" in _accuracy_text(page, "too few to tell (0 of 0)")
    page.get_by_role("button", name="Queue").click()
    page.get_by_role("heading", name="Screenings").wait_for(timeout=WAIT)
    _open(page, row)
    page.get_by_role("button", name="Record examination").click()
    page.get_by_role("button", name="Save examination").wait_for(timeout=WAIT)
    settle(page)
    _click(page, "Hyperalgesia to pinprick")
    _click(page, "Oedema")
    _click(page, "False alarm", "radio")
    _click(page, "Meets the Budapest clinical criteria (clinician's conclusion)", "radio")
    criterion_d = page.get_by_role("radiogroup", name="Criterion D: another diagnosis better explains the signs "
                                                    "and symptoms")
    criterion_d.get_by_role("radio", name="No", exact=True).click(force=True)  # nothing explains it better
    settle(page)
    assert criterion_d.get_by_role("radio", name="No", exact=True).is_checked()
    page.get_by_text("CRPS Severity Score (Harden 2010): 5 of 17").wait_for(timeout=WAIT)
    page.get_by_role("button", name="Save examination").click()
    page.get_by_text("Examination saved.").wait_for(timeout=WAIT)
    (first,) = examinations_for(storage, row.id)
    assert first.findings.conclusion == "meets_budapest_clinical"
    assert first.findings.signs == {"hyperalgesia_pinprick", "oedema"}
    assert first.findings.red_flags == (("stroke_signs_last_hours", "false_alarm"),)
    recorded = [e for e in storage.list_audit() if e.event == "examination_recorded"]
    assert [e.actor for e in recorded] == ["cleo"] and "Cleo Clinician" in recorded[0].detail

    page.get_by_text("Examination saved.").wait_for(timeout=WAIT)
    settle(page)
    _click(page, "Does not meet the Budapest clinical criteria (clinician's conclusion)", "radio")
    page.get_by_role("button", name="Save examination").click()
    page.get_by_text("Examinations recorded: 2").wait_for(timeout=WAIT)
    history = examinations_for(storage, row.id)
    assert [r.findings.conclusion for r in history] == ["does_not_meet", "meets_budapest_clinical"]
    assert history[1] == first
    text = _accuracy_text(page, "too few to tell (0 of 1)")
    assert "too few to tell (0 of 1)" in text  # PPV: the one referral is now a false positive
    assert "verification bias" in text
    page.context.close()
