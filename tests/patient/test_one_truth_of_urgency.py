"""One truth of urgency on the tablet, in AppTest: a disclosure is never taken back, an emergency does not end
the screening, the screen left behind discloses nothing, and a tablet name is never dropped.
(The idle time-out's screen left behind is checked in a real browser: tests/browser.)"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from scoring import Questionnaire
from storage import Storage
from tests.support.answers import REPO
from tests.support.kiosk import Kiosk, Saved, reach, tablet_app
from tests.support.plans import BEFORE_STROKE, NO_PAIN
from tests.support.urgency_readers import (
    ANSWERED,
    CHANGED,
    coordinator_page_text,
    csv_row,
    fhir_answer,
    fhir_bundle,
    fhir_level,
    fhir_red_flags,
    pdf_text,
)
from ui.patient.strings import text
from ui.patient.urgent import staff_words

ONE_FLAG_OF_EACH_LEVEL = [
    pytest.param("hand_or_foot_newly_pale", "emergency", id="emergency"),
    pytest.param("fever_with_hot_red_limb", "same_day", id="same_day"),
    pytest.param("self_harm_thoughts", "talk_now", id="talk_now"),
]


def change_on_review(kiosk: Kiosk, item_id: str, value: str) -> None:
    """On the review screen: Change this item's answer to `value`, and back to review."""
    (change,) = [button for button in kiosk.at.button if str(button.key).endswith(f":change:{item_id}")]
    change.click().run()
    kiosk.choose(value)
    kiosk.forward()
    assert kiosk.has_button(kiosk.words("submit")), kiosk.screen_text()


def clear_in_queue_and_continue(kiosk: Kiosk, database_url: str, saved: Saved) -> None:
    """Staff acknowledge the emergency in the queue; on the tablet they choose to go on."""
    Storage(database_url).acknowledge(saved()[0].id, actor="nurse@example.org")
    kiosk.at.run()  # the urgent screen's poll notices
    kiosk.tap(staff_words("staff_continue", kiosk.language))


@pytest.mark.parametrize(("item_id", "level"), ONE_FLAG_OF_EACH_LEVEL)
def test_yes_then_change_to_no_then_send_keeps_the_flag_for_every_reader(
    kiosk: Kiosk, saved: Saved, database_url: str, questionnaire: Questionnaire, item_id: str, level: str
) -> None:
    plan = {**NO_PAIN, item_id: "yes", "self_harm_now": "no"}  # 1.2: the acuity question follows a yes
    kiosk.start("en")
    reach(kiosk, item_id, plan)
    kiosk.choose("yes")
    if level == "emergency":
        clear_in_queue_and_continue(kiosk, database_url, saved)
    else:
        kiosk.forward()
    kiosk.answer_all(plan)
    change_on_review(kiosk, item_id, "no")
    kiosk.submit()

    (row,) = saved()
    result = row.result
    assert row.complete and result.answer(item_id) == "no"  # the final answer is the patient's
    assert result.urgent and item_id in result.red_flags and result.red_flag_level == level
    kept = [(answer.answer, answer.raises) for answer in result.red_flag_history if answer.item == item_id]
    assert kept == [("yes", True), ("no", False)]

    page = coordinator_page_text(database_url, row)
    assert ANSWERED in page and CHANGED in page
    clinician = pdf_text(row, questionnaire)
    assert "URGENT" in clinician and ANSWERED in clinician and CHANGED in clinician
    exported = csv_row(Storage(database_url), row, questionnaire)
    assert exported["urgent"] == "True" and exported["red_flag_level"] == level
    assert f"{item_id} (answered yes at " in exported["red_flags"] and "changed to no at" in exported["red_flags"]
    bundle = fhir_bundle(row, questionnaire)
    flags = fhir_red_flags(bundle)
    assert flags["urgent"]["valueBoolean"] is True and fhir_level(flags["urgent"]) == level
    assert item_id in flags and "changed to no" in flags[item_id]["note"][-1]["text"]
    assert fhir_answer(bundle, item_id) == "no"  # the QuestionnaireResponse carries the final answer


def test_a_combination_with_an_answer_taken_back_is_an_emergency_on_the_tablet_too(
    kiosk: Kiosk, saved: Saved, questionnaire: Questionnaire
) -> None:
    """Fever answered yes, changed to no, then spreading redness: storage kept the
    deep-infection rule (emergency) while the tablet read only the answers as they stood and let
    the patient finish with "before you leave" (same-day) words."""
    rule = questionnaire.red_flag_of("deep_infection")
    assert rule is not None and rule.level == "emergency"
    kiosk.start("en")
    kiosk.answer_all({**NO_PAIN, "fever_with_hot_red_limb": "yes", "self_harm_now": "no"})
    change_on_review(kiosk, "fever_with_hot_red_limb", "no")
    (change,) = [button for button in kiosk.at.button if str(button.key).endswith(":change:redness_spreading_fast")]
    change.click().run()
    kiosk.choose("yes")

    screen = kiosk.screen_text()
    assert kiosk.words("urgent_title") in screen  # at the answer, before Send
    assert rule.message["en"] in screen
    (row,) = saved()
    assert row.result.red_flag_level == "emergency" and "deep_infection" in row.result.red_flags


def test_the_take_home_copy_still_leaves_out_a_self_harm_answer_taken_back(
    kiosk: Kiosk, saved: Saved, questionnaire: Questionnaire
) -> None:
    plan = {**NO_PAIN, "self_harm_thoughts": "yes", "self_harm_now": "no"}
    kiosk.start("en")
    kiosk.answer_all(plan)
    change_on_review(kiosk, "self_harm_thoughts", "no")
    kiosk.submit()
    take_home = pdf_text(saved()[0], questionnaire, variant="patient")
    short = questionnaire.item("self_harm_thoughts").short["en"]
    assert short not in take_home and questionnaire.item("self_harm_thoughts").text["en"][:40] not in take_home
    assert "changed to" not in take_home and "answered" not in take_home.lower().split("your answers")[0]


def test_an_emergency_cleared_then_continue_reaches_the_self_harm_question(
    kiosk: Kiosk, saved: Saved, database_url: str
) -> None:
    kiosk.start("en")
    reach(kiosk, "stroke_signs_last_hours", BEFORE_STROKE)
    kiosk.choose("yes")
    clear_in_queue_and_continue(kiosk, database_url, saved)
    assert kiosk.current_item().id == "spine_procedure_4_weeks"  # the question after stroke signs (1.2)
    kiosk.answer_all({**BEFORE_STROKE, "stroke_signs_last_hours": "yes", "spine_procedure_4_weeks": "no",
                      "self_harm_thoughts": "yes", "self_harm_now": "no"})
    kiosk.submit()
    (row,) = saved()
    assert row.complete and set(row.result.red_flags) == {"stroke_signs_last_hours", "self_harm_thoughts"}
    # A new flag after staff cleared the emergency re-opens it: the urgent screen stays for staff.
    assert kiosk.words("urgent_title") in kiosk.screen_text() and row.acknowledged_at is None
    kiosk.at.run()
    assert kiosk.words("urgent_title") in kiosk.screen_text()


def test_an_emergency_cleared_then_end_lists_the_questions_not_asked(
    kiosk: Kiosk, saved: Saved, database_url: str, questionnaire: Questionnaire
) -> None:
    import access

    access.set_kiosk_code(Storage(database_url), "135790", actor="test admin")
    kiosk.start("en")
    reach(kiosk, "stroke_signs_last_hours", BEFORE_STROKE)
    kiosk.choose("yes")
    kiosk.at.text_input[0].input("135790").run()
    kiosk.tap(staff_words("staff_clear", "en"))
    kiosk.tap(staff_words("staff_end", "en"))
    assert kiosk.has_button("English")

    (row,) = saved()
    not_asked = f"Not asked: {questionnaire.item('self_harm_thoughts').short['en']}: ask in person"
    assert not row.complete
    assert not_asked in coordinator_page_text(database_url, row)
    assert not_asked in pdf_text(row, questionnaire)


def test_the_urgent_screen_after_a_reload_says_nothing_answered(
    kiosk: Kiosk, saved: Saved, questionnaire: Questionnaire
) -> None:
    patient = Kiosk(tablet_app("front-4"), questionnaire).start("es")
    patient.answer_all({**NO_PAIN, "self_harm_thoughts": "prefer_not_to_say", "self_harm_now": "no"})
    patient.submit()
    reference = saved()[0].reference
    reloaded = Kiosk(tablet_app("front-4"), questionnaire)
    left = reloaded.screen_text()
    assert text("bring_tablet", "en") in left and text("bring_tablet", "es") in left
    assert "988" not in left and reference not in left


@pytest.mark.parametrize(
    ("given", "stored"), [("Front-1", "front-1"), ("front_1", "front-1"), (" FRONT_2 ", "front-2")])
def test_a_tablet_name_is_normalised_shown_and_stored(
    kiosk: Kiosk, saved: Saved, given: str, stored: str
) -> None:
    tablet = Kiosk(tablet_app(given), kiosk.questionnaire)
    assert text("tablet_label", "en", name=stored) in tablet.screen_text()
    tablet.start("en")
    reach(tablet, "stroke_signs_last_hours", BEFORE_STROKE)
    tablet.choose("yes")
    assert saved()[0].tablet == stored  # the safety net (restore after reload) stays on
    assert text("bring_tablet", "en") in Kiosk(tablet_app(given), kiosk.questionnaire).screen_text()


@pytest.mark.parametrize("given", ["x" * 40, "tablette-ñ", "front 1", "../etc", ""])
def test_a_tablet_name_that_cannot_be_stored_is_refused_on_the_tablet_before_any_patient(
    kiosk: Kiosk, saved: Saved, given: str
) -> None:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=20)
    at.query_params["tablet"] = given
    at.run()
    tablet = Kiosk(at, kiosk.questionnaire)
    shown = tablet.screen_text()
    assert "this tablet's address is not valid" in shown and "no es válida" in shown
    assert not tablet.has_button("English") and not tablet.has_button("Español")  # no patient can start
    assert saved() == []
