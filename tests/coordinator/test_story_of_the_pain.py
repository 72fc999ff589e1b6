"""The screening page's "story of the pain" section (issue 19): the patient's report in the words
the clinician PDF uses, "Patient reports a doctor said ...", never a diagnosis."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from storage import Storage, Submission
from tests.coordinator.conftest import go, page_text, sign_in, staff_session
from tests.core.test_wording import DIAGNOSIS_WORDING
from ui.coordinator.screening import STORY_NOTE, STORY_TITLE


def open_page(app: AppTest, row: Submission) -> str:
    sign_in(app)
    staff_session(app).selected_id = row.id
    go(app, "screening")
    assert not app.exception, app.exception
    return page_text(app)


def _story_lines(app: AppTest) -> list[str]:
    """The section's text lines: those after its caption, up to the next section's heading."""
    texts = [str(element.value) for element in app.text]
    first = next(index for index, line in enumerate(texts)
                 if line.startswith(("Pain began after", "Not asked (no ongoing pain")))
    return [line for line in texts[first:first + 7] if ": " in line or line.startswith("Not asked")]


def test_the_page_shows_the_story_as_the_patients_report(
    app: AppTest, with_passcode: Storage, submit: Callable[..., Submission],
) -> None:
    row = submit("sensory", "vasomotor", "sudomotor_edema", pain_duration="gt_6m",
                 pain_started_by=["sprain_or_other_injury"], pain_start_month="oct",
                 pain_start_year="over_5_years_ago", nerve_injured="yes",
                 pain_spread="no", doctor_said_crps="yes")
    text = open_page(app, row)
    assert STORY_TITLE in text and STORY_NOTE in text
    assert text.index(STORY_TITLE) < text.index("Answers")
    lines = _story_lines(app)
    assert lines == [
        "Pain began after an injury or surgery: Yes",
        "What happened before the pain began: A sprain or other injury",
        "Month the pain began: October",
        "Year the pain began: More than 5 years ago",
        "Patient reports being told a nerve was hurt: Yes",
        "Pain spread to another arm or leg: No",
        "Patient reports a doctor said it is CRPS: Yes",
    ]
    assert not [line for line in lines if DIAGNOSIS_WORDING.search(line)]
    assert "Suggestion: Referral suggested" in text  # the story changed nothing


def test_no_pain_no_story(app: AppTest, with_passcode: Storage, submit: Callable[..., Submission]) -> None:
    row = submit(pain_present="no")
    open_page(app, row)
    assert _story_lines(app) == ["Not asked (no ongoing pain in an arm or leg)."]
