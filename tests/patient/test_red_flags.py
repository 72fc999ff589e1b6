"""A red flag escalates at the answer, the urgent screen shows even when saving fails,
and it stays until staff clear it (AppTest: the logic; tests/browser: the real browser)."""

from __future__ import annotations

import pytest

from storage import SaveFailed, Storage
from tests.support.kiosk import WELCOME_BUTTONS, Kiosk, Saved, reach, tablet_app
from tests.support.plans import BEFORE_STROKE, NO_PAIN
from ui.patient.strings import text
from ui.patient.urgent import staff_words


def urgent_messages(kiosk: Kiosk) -> str:
    return "\n".join(str(m.value) for m in kiosk.at.markdown)


@pytest.mark.parametrize("language", ["en", "es"])
def test_stroke_yes_interrupts_at_once_and_is_saved_before_anything_else(
    kiosk: Kiosk, saved: Saved, language: str
) -> None:
    kiosk.start(language)
    reach(kiosk, "stroke_signs_last_hours", BEFORE_STROKE)
    kiosk.choose("yes")  # no Next: the answer alone escalates

    assert kiosk.words("urgent_title") in kiosk.screen_text()
    assert not kiosk.on_question()
    assert "911" in urgent_messages(kiosk)
    (row,) = saved()
    assert row.result.urgent and row.result.red_flags == ("stroke_signs_last_hours",)
    assert row.complete is False  # the patient did not finish
    assert row.reference in kiosk.screen_text()


def test_same_day_flag_is_saved_at_the_answer_the_patient_finishes_and_the_same_row_completes(
    kiosk: Kiosk, saved: Saved
) -> None:
    kiosk.start("en")
    reach(kiosk, "arm_or_leg_newly_swollen", NO_PAIN)
    kiosk.choose("yes")
    (early,) = saved()
    assert early.result.urgent and early.complete is False
    assert kiosk.on_question()  # same_day: the flow goes on

    kiosk.forward()
    kiosk.answer_all({**NO_PAIN, "arm_or_leg_newly_swollen": "yes"})
    kiosk.submit()
    (done,) = saved()
    assert done.id == early.id and done.reference == early.reference
    assert done.complete is True and done.result.urgent
    assert kiosk.words("urgent_title") in kiosk.screen_text()
    flag = kiosk.questionnaire.item("arm_or_leg_newly_swollen").red_flag
    assert flag is not None and flag.message["en"] in urgent_messages(kiosk)


def test_self_harm_refusal_shows_988_after_send(kiosk: Kiosk, saved: Saved) -> None:
    kiosk.start("es")
    reach(kiosk, "self_harm_thoughts", NO_PAIN)
    kiosk.choose("prefer_not_to_say")
    assert saved()[0].result.urgent  # saved at the answer
    kiosk.forward()
    assert kiosk.current_item().id == "self_harm_now"  # the ASQ acuity question follows a refusal
    kiosk.answer("no").submit()
    assert "988" in kiosk.screen_text()
    assert len(saved()) == 1
    assert saved()[0].result.red_flag_level == "talk_now"  # "no" leaves talk_now as it is


@pytest.mark.parametrize("language", ["en", "es"])
def test_acuity_yes_interrupts_at_once_with_911_and_988(kiosk: Kiosk, saved: Saved, language: str) -> None:
    """"thoughts of killing yourself right now?" yes is an emergency: the urgent screen
    comes at that answer, and the row is saved with the emergency level."""
    kiosk.start(language)
    reach(kiosk, "self_harm_thoughts", NO_PAIN)
    kiosk.answer("yes")
    assert kiosk.current_item().id == "self_harm_now"
    kiosk.choose("yes")  # no Next: the answer alone escalates
    assert kiosk.words("urgent_title") in kiosk.screen_text() and not kiosk.on_question()
    messages = urgent_messages(kiosk)
    assert "911" in messages and "988" in messages and "AYUDA" in messages
    (row,) = saved()
    assert row.result.urgent and row.result.red_flag_level == "emergency" and "self_harm_now" in row.result.red_flags


def test_a_red_flag_rule_interrupts_at_the_answer_that_completes_it(kiosk: Kiosk, saved: Saved) -> None:
    """Fever (same day alone) then spreading redness: the deep-infection rule is an emergency at once."""
    kiosk.start("en")
    reach(kiosk, "fever_with_hot_red_limb", BEFORE_STROKE)
    kiosk.choose("yes")
    assert kiosk.on_question()  # fever alone is same_day: the flow goes on
    kiosk.forward()
    assert kiosk.current_item().id == "redness_spreading_fast"
    kiosk.choose("yes")
    assert kiosk.words("urgent_title") in kiosk.screen_text() and not kiosk.on_question()
    (row,) = saved()
    assert "deep_infection" in row.result.red_flags and row.result.red_flag_level == "emergency"


def test_a_changed_answer_never_takes_the_alert_back(kiosk: Kiosk, saved: Saved) -> None:
    kiosk.start("en")
    reach(kiosk, "fever_with_hot_red_limb", NO_PAIN)
    kiosk.choose("yes").choose("no")
    kiosk.forward()
    kiosk.answer_all(NO_PAIN)
    kiosk.submit()
    (row,) = saved()
    assert row.result.urgent and row.complete
    assert kiosk.words("urgent_title") in kiosk.screen_text()


def test_the_urgent_screen_shows_even_when_saving_fails_then_saves_in_the_background(
    kiosk: Kiosk, saved: Saved, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real_save = Storage.save_submission

    def broken(self: Storage, **kwargs: object) -> object:
        raise SaveFailed("database unavailable")

    monkeypatch.setattr(Storage, "save_submission", broken)
    kiosk.start("en")
    reach(kiosk, "hand_or_foot_newly_pale", NO_PAIN)
    kiosk.choose("yes")

    assert kiosk.words("urgent_title") in kiosk.screen_text()
    flag = kiosk.questionnaire.item("hand_or_foot_newly_pale").red_flag
    assert flag is not None and flag.message["en"] in urgent_messages(kiosk)
    assert saved() == []
    assert "URGENT screening not saved" in caplog.text
    assert "newly_pale" not in caplog.text and "yes" not in caplog.text.lower().split("urgent")[0]  # no answer logged

    monkeypatch.setattr(Storage, "save_submission", real_save)
    kiosk.at.run()  # the background retry (a fragment on a timer) runs with each run too
    (row,) = saved()
    assert row.result.urgent and row.result.red_flags == ("hand_or_foot_newly_pale",)
    assert row.reference in kiosk.screen_text()


def test_a_failed_send_with_a_red_flag_still_shows_the_urgent_screen(
    kiosk: Kiosk, saved: Saved, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_save = Storage.save_submission
    kiosk.start("en")
    kiosk.answer_all({**NO_PAIN, "self_harm_thoughts": "yes", "self_harm_now": "no"})

    def broken(self: Storage, **kwargs: object) -> object:
        raise OSError("disk I/O error")

    monkeypatch.setattr(Storage, "save_submission", broken)
    kiosk.submit()
    assert kiosk.words("urgent_title") in kiosk.screen_text() and "988" in kiosk.screen_text()
    monkeypatch.setattr(Storage, "save_submission", real_save)
    kiosk.at.run()
    (row,) = saved()
    assert row.result.urgent and row.complete


def test_a_new_session_on_the_same_tablet_shows_the_open_urgent_until_the_queue_acknowledges_it(
    kiosk: Kiosk, saved: Saved, database_url: str
) -> None:
    first = Kiosk(tablet_app("front-1"), kiosk.questionnaire).start("en")
    reach(first, "stroke_signs_last_hours", BEFORE_STROKE)
    first.choose("yes")
    (row,) = saved()

    again = Kiosk(tablet_app("front-1"), kiosk.questionnaire)  # a reload: a new session
    # The screen left behind says only "bring this tablet to the front desk"
    assert again.words("bring_tablet") in again.screen_text() and row.reference not in again.screen_text()
    other = tablet_app("front-2")  # another tablet is not affected
    assert [b.label for b in other.button] == WELCOME_BUTTONS

    Storage(database_url).acknowledge(row.id, actor="nurse@example.org")
    again.at.run()  # the screen's poll notices the acknowledgement
    assert again.has_button("English") and row.reference not in again.screen_text()
    assert [b.label for b in tablet_app("front-1").button] == WELCOME_BUTTONS


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_staff_box_never_tells_a_patient_how_to_dismiss_the_screen(kiosk: Kiosk, language: str) -> None:
    kiosk.start(language)
    kiosk.answer_all({**NO_PAIN, "self_harm_thoughts": "yes", "self_harm_now": "no"})
    kiosk.submit()
    screen = kiosk.screen_text().lower()
    for hint in ("reload", "recargar", "vuelva a cargar", "refresh", "kiosk_staff_code"):
        assert hint not in screen
    expander = kiosk.at.expander[0]
    assert text("staff_section", "en") in expander.label
    if language == "es":
        assert text("staff_section", "es") in expander.label


def test_a_database_that_hangs_does_not_hold_the_urgent_screen_back(
    kiosk: Kiosk, saved: Saved, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A locked SQLite file waits 15 s per attempt; the patient must see the urgent screen now."""
    import threading
    import time

    real_save = Storage.save_submission
    released = threading.Event()

    def hangs(self: Storage, **kwargs: object) -> object:
        released.wait(timeout=30)
        return real_save(self, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Storage, "save_submission", hangs)
    kiosk.start("en")
    reach(kiosk, "stroke_signs_last_hours", BEFORE_STROKE)
    started = time.monotonic()
    kiosk.choose("yes")
    assert time.monotonic() - started < 10  # AppTest overhead aside, not the 30 s the save hangs
    assert kiosk.words("urgent_title") in kiosk.screen_text() and "911" in urgent_messages(kiosk)
    assert saved() == []

    released.set()
    for _ in range(50):  # the background check picks up the same save when it finishes
        kiosk.at.run()
        if saved():
            break
    (row,) = saved()
    assert row.result.urgent and row.reference in kiosk.screen_text()


def test_the_kiosk_code_clears_the_tablet_for_good_and_a_wrong_code_does_not(
    kiosk: Kiosk, saved: Saved, database_url: str
) -> None:
    import access

    access.set_kiosk_code(Storage(database_url), "135790", actor="test admin")
    tablet = Kiosk(tablet_app("front-5"), kiosk.questionnaire).start("es")
    reach(tablet, "hand_or_foot_newly_pale", NO_PAIN)
    tablet.choose("yes")
    clear = staff_words("staff_clear", "es")

    tablet.at.text_input[0].input("000000").run()
    tablet.tap(clear)
    reloaded = Kiosk(tablet_app("front-5"), kiosk.questionnaire)
    assert text("bring_tablet", "es") in reloaded.screen_text()  # still open after a wrong code, in Spanish

    tablet.at.text_input[0].input("135790").run()
    tablet.tap(clear)
    tablet.tap(staff_words("staff_end", "es"))  # staff choose; here, end the screening
    assert tablet.has_button("English")
    assert [b.label for b in tablet_app("front-5").button] == WELCOME_BUTTONS  # a reload stays clear
    reloaded.at.run()  # another session still showing it notices at its next look
    assert reloaded.has_button("English")
    assert saved()[0].acknowledged_at is None  # the queue still has it to acknowledge
