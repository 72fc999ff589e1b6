"""Finish, staff clear and a new session leave nothing of the last patient."""

from __future__ import annotations

import pytest

import access
from storage import Storage
from tests.support.kiosk import WELCOME_BUTTONS, Kiosk, Saved
from tests.support.plans import REFERRAL, URGENT
from ui.patient.urgent import staff_words

SESSION_OBJECT = "patient_session"


def answer_words(kiosk: Kiosk) -> list[str]:
    """Text that would give away the last patient's answers or result."""
    questionnaire = kiosk.questionnaire
    return [
        "Left arm or hand", "3 to 6 months", "Not sure",
        *(tier.message[lang] for tier in questionnaire.tiers for lang in ("en", "es")),
        questionnaire.messages["crisis_line"]["en"], questionnaire.messages["crisis_line"]["es"],
    ]


def widget_values(kiosk: Kiosk) -> dict[str, object]:
    return {key: kiosk.at.session_state[key] for key in kiosk.at.session_state
            if key != SESSION_OBJECT and not key.startswith("$$")}


def test_finish_clears_everything_including_widgets(kiosk: Kiosk, saved: Saved) -> None:
    kiosk.start("en")
    kiosk.answer_all(REFERRAL)
    kiosk.submit()
    reference = saved()[0].reference
    kiosk.tap(kiosk.words("finish"))

    screen = kiosk.screen_text()
    assert kiosk.has_button("English") and kiosk.has_button("Español")
    assert reference not in screen
    for words in answer_words(kiosk):
        assert words not in screen
    assert all(value in (None, False, "") for value in widget_values(kiosk).values())

    kiosk.start("en")  # the next patient's first question starts unanswered
    assert kiosk.at.radio[0].value is None
    kiosk.answer("yes")
    assert not any(box.value for box in kiosk.at.checkbox)  # "left arm" was chosen before
    assert not [b.label for b in kiosk.at.button if b.label.endswith("(chosen)")]  # on the body map too


@pytest.mark.parametrize("language", ["en", "es"])
def test_staff_clear_the_urgent_screen_with_the_kiosk_code(kiosk: Kiosk, database_url: str, language: str) -> None:
    access.set_kiosk_code(Storage(database_url), "246813", actor="test admin")
    kiosk.start(language)
    kiosk.answer_all(URGENT)
    kiosk.submit()

    kiosk.at.text_input[0].input("1111").run()
    kiosk.tap(staff_words("staff_clear", language))
    assert staff_words("staff_code_wrong", language) in [e.value for e in kiosk.at.error]
    assert kiosk.words("urgent_title") in kiosk.screen_text()

    kiosk.at.text_input[0].input("246813").run()
    kiosk.tap(staff_words("staff_clear", language))
    assert kiosk.has_button("English")
    assert kiosk.words("urgent_title") not in kiosk.screen_text()
    assert "246813" not in [str(v) for v in widget_values(kiosk).values()]


def test_without_a_kiosk_code_only_the_queue_clears_the_urgent_screen(kiosk: Kiosk) -> None:
    kiosk.start("en")
    kiosk.answer_all(URGENT)
    kiosk.submit()
    assert kiosk.words("staff_code_not_set") in kiosk.screen_text()
    assert "reload" not in kiosk.screen_text().lower()
    assert not kiosk.at.text_input


def test_a_new_session_starts_fresh(kiosk: Kiosk, database_url: str) -> None:
    from streamlit.testing.v1 import AppTest

    kiosk.start("en").answer("yes")
    other = AppTest.from_file(str(kiosk.at._script_path), default_timeout=20)
    other.run()
    assert [b.label for b in other.button] == WELCOME_BUTTONS
