"""Issue 19 on the tablet: staff-assisted answering behind the kiosk staff code (item 3), and the
desk's hand-off taken by the next patient who starts on the named tablet (item 4)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

import access
from storage import Storage, hand_off
from tests.patient.conftest import REPO, Saved
from tests.patient.kiosk import WELCOME_BUTTONS, Kiosk
from tests.patient.plans import NO_PAIN, REFERRAL
from ui.patient.strings import text

CODE = "246813"
BORN = date(1980, 2, 3)


def both(key: str, **values: object) -> str:
    return " / ".join(text(key, language, **values) for language in ("en", "es"))


def tablet_app(name: str | None) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=20)
    if name is not None:
        at.query_params["tablet"] = name
    at.run()
    assert not at.exception, at.exception
    return at


def open_assist(kiosk: Kiosk, *, who: str, role: str = "staff", code: str = CODE) -> None:
    number = kiosk.at.session_state["patient_session"].patient_number
    kiosk.at.toggle(key=f"patient{number}:assist-open").set_value(True).run()
    kiosk.at.radio(key=f"patient{number}:assist-role").set_value(role).run()
    kiosk.at.text_input(key=f"patient{number}:assist-who").input(who).run()
    kiosk.at.text_input(key=f"patient{number}:assist-code").input(code).run()
    kiosk.tap(both("assist_turn_on"))


# -- item 3: staff-assisted answering ---------------------------------------------------------

def test_staff_help_is_refused_without_the_right_code(kiosk: Kiosk, database_url: str, saved: Saved) -> None:
    access.set_kiosk_code(Storage(database_url), CODE, actor="test admin")
    open_assist(kiosk, who="Dana Lee", code="000000")
    assert both("staff_code_wrong") in [e.value for e in kiosk.at.error]
    assert kiosk.at.session_state["patient_session"].assisted is None
    assert CODE not in str(kiosk.at.session_state)  # the typed code never stays
    kiosk.start("en").answer_all(NO_PAIN)
    kiosk.submit()
    assert saved()[0].assisted is None


def test_staff_help_needs_a_name_and_a_code_to_be_set_up(kiosk: Kiosk, database_url: str) -> None:
    number = kiosk.at.session_state["patient_session"].patient_number
    kiosk.at.toggle(key=f"patient{number}:assist-open").set_value(True).run()
    assert both("assist_no_code") in kiosk.screen_text()  # no code set up: no way to turn it on
    assert not kiosk.has_button(both("assist_turn_on"))
    access.set_kiosk_code(Storage(database_url), CODE, actor="test admin")
    open_assist(kiosk, who="   ")
    assert both("assist_needs_who") in [e.value for e in kiosk.at.error]
    assert kiosk.at.session_state["patient_session"].assisted is None


@pytest.mark.parametrize(("role", "who", "recorded"), [
    ("staff", "Dana Lee", "answered with staff help: Dana Lee"),
    ("interpreter", "Somali", "answered with staff help: interpreter (Somali)"),
])
def test_staff_help_is_recorded_with_the_screening_and_cleared_for_the_next_patient(
    kiosk: Kiosk, database_url: str, saved: Saved, role: str, who: str, recorded: str
) -> None:
    storage = Storage(database_url)
    access.set_kiosk_code(storage, CODE, actor="test admin")
    open_assist(kiosk, who=who, role=role)
    assert both("assist_is_on", who=recorded) in kiosk.screen_text()
    assert "assisted_answering_on" in {event.event for event in storage.list_audit()}
    kiosk.start("es").answer_all(REFERRAL)
    kiosk.submit()
    first = saved()[0]
    assert first.assisted == recorded and (first.assisted_role, first.assisted_by) == (role, who)
    kiosk.tap(kiosk.words("finish"))
    assert kiosk.at.session_state["patient_session"].assisted is None  # the next patient starts without it
    assert both("assist_is_on", who=recorded) not in kiosk.screen_text()
    assert [b.label for b in kiosk.at.button] == WELCOME_BUTTONS
    kiosk.start("en").answer_all(NO_PAIN)
    kiosk.submit()
    assert saved()[0].assisted is None


def test_staff_help_can_be_turned_off_before_the_patient_starts(kiosk: Kiosk, database_url: str,
                                                               saved: Saved) -> None:
    access.set_kiosk_code(Storage(database_url), CODE, actor="test admin")
    open_assist(kiosk, who="Dana Lee")
    kiosk.tap(both("assist_turn_off"))
    kiosk.start("en").answer_all(NO_PAIN)
    kiosk.submit()
    assert saved()[0].assisted is None


# -- item 4: the desk's hand-off --------------------------------------------------------------

def test_the_next_patient_on_the_tablet_takes_the_hand_off_once(kiosk: Kiosk, database_url: str,
                                                                saved: Saved) -> None:
    storage = Storage(database_url)
    hand_off.start(storage, tablet="front-1", chart_number="MRN-12345678", birth_date=BORN, patient_name="Maria Lopez",
                   actor="desk")
    tablet = Kiosk(tablet_app("front-1"), kiosk.questionnaire)
    screen = tablet.screen_text()
    assert "MRN" not in screen and "5678" not in screen and "1980" not in screen
    assert text("hand_off_greeting", "en", initial="M") not in screen  # TABLET_SHOWS_INITIAL is off
    tablet.start("en").answer_all(NO_PAIN)
    tablet.submit()
    first = saved()[0]
    assert (first.patient_identifier, first.patient_birth_date) == ("MRN-12345678", BORN)
    assert "MRN" not in tablet.screen_text()  # not on the thanks screen either
    tablet.tap(tablet.words("finish"))
    tablet.start("en").answer_all(NO_PAIN)  # the next patient on the same tablet: a walk-up
    tablet.submit()
    assert saved()[0].patient_identifier is None
    assert "hand_off_taken" in {event.event for event in storage.list_audit()}


def test_the_tablet_shows_only_the_initial_when_the_clinic_allows_it(
    kiosk: Kiosk, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TABLET_SHOWS_INITIAL", "true")
    hand_off.start(Storage(database_url), tablet="front-1", chart_number="MRN-12345678", birth_date=BORN,
                   patient_name="maria Lopez", actor="desk")
    screen = Kiosk(tablet_app("front-1"), kiosk.questionnaire).screen_text()
    assert text("hand_off_greeting", "en", initial="M") in screen
    assert "Maria" not in screen and "maria" not in screen and "MRN" not in screen
    assert text("hand_off_greeting", "en", initial="M") not in Kiosk(tablet_app("front-2"),
                                                                     kiosk.questionnaire).screen_text()


def greetings(screen: str) -> list[str]:
    return [word for word in ("Hello, ", "Hola, ") if word in screen]


def test_the_initial_comes_from_the_name_and_a_date_of_birth_alone_shows_nothing(
    kiosk: Kiosk, database_url: str, monkeypatch: pytest.MonkeyPatch, saved: Saved
) -> None:
    assert text("hand_off_greeting", "en", initial="§").startswith("Hello, ")  # what greetings() looks for
    assert text("hand_off_greeting", "es", initial="§").startswith("Hola, ")
    monkeypatch.setenv("TABLET_SHOWS_INITIAL", "true")
    storage = Storage(database_url)
    hand_off.start(storage, tablet="front-1", chart_number="MRN-12345678", birth_date=BORN, actor="desk")
    screen = Kiosk(tablet_app("front-1"), kiosk.questionnaire).screen_text()
    assert greetings(screen) == [] and "1980" not in screen and "MRN" not in screen
    hand_off.start(storage, tablet="front-1", chart_number="MRN-12345678", patient_name="élodie Martin-Ruiz",
                   actor="desk")
    tablet = Kiosk(tablet_app("front-1"), kiosk.questionnaire)
    screen = tablet.screen_text()
    assert text("hand_off_greeting", "en", initial="É") in screen
    assert text("hand_off_greeting", "es", initial="É") in screen
    assert "lodie" not in screen and "Martin" not in screen and "Ruiz" not in screen and "MRN" not in screen
    tablet.start("en").answer_all(NO_PAIN)
    assert "lodie" not in tablet.screen_text() and "Martin" not in tablet.screen_text()
    tablet.submit()
    assert "Martin" not in tablet.screen_text()  # not on the thanks screen either
    row = saved()[0]
    assert (row.patient_identifier, row.patient_birth_date, row.patient_name) == (
        "MRN-12345678", None, "élodie Martin-Ruiz")


def test_the_name_never_shows_on_the_tablet_when_the_clinic_shows_no_initial(
    kiosk: Kiosk, database_url: str
) -> None:
    hand_off.start(Storage(database_url), tablet="front-1", chart_number="MRN-12345678",
                   patient_name="Ann Quixworth", actor="desk")
    screen = Kiosk(tablet_app("front-1"), kiosk.questionnaire).screen_text()
    assert greetings(screen) == [] and "Quixworth" not in screen


def test_an_expired_hand_off_is_not_taken(kiosk: Kiosk, database_url: str, saved: Saved) -> None:
    hand_off.start(Storage(database_url), tablet="front-1", chart_number="MRN-1", birth_date=BORN, actor="desk",
                   now=datetime.now(UTC) - timedelta(minutes=31))
    tablet = Kiosk(tablet_app("front-1"), kiosk.questionnaire).start("en")
    tablet.answer_all(NO_PAIN)
    tablet.submit()
    assert saved()[0].patient_identifier is None


def test_a_screening_in_progress_is_not_reassigned(kiosk: Kiosk, database_url: str, saved: Saved) -> None:
    tablet = Kiosk(tablet_app("front-1"), kiosk.questionnaire).start("en")  # started before the hand-off
    hand_off.start(Storage(database_url), tablet="front-1", chart_number="MRN-2", birth_date=BORN, actor="desk")
    tablet.answer_all(NO_PAIN)
    tablet.submit()
    assert saved()[0].patient_identifier is None
    assert hand_off.pending(Storage(database_url), "front-1") is not None  # still waiting for its patient


def test_an_anonymous_walk_up_works_as_before(kiosk: Kiosk, database_url: str, saved: Saved) -> None:
    hand_off.start(Storage(database_url), tablet="front-1", chart_number="MRN-3", birth_date=BORN, actor="desk")
    kiosk.start("en").answer_all(NO_PAIN)  # an unnamed tablet takes no hand-off
    kiosk.submit()
    other = Kiosk(tablet_app("front-2"), kiosk.questionnaire).start("en")  # another tablet neither
    other.answer_all(NO_PAIN)
    other.submit()
    assert [row.patient_identifier for row in saved()] == [None, None]
