"""Read-aloud on the patient screens (AppTest): a button on every screen, nothing played until it
is tapped unless the clinic or the patient turned on reading each question, and audio holding a
patient's own answers or code never written to the shared cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring import Questionnaire
from speech import espeak_available, question_text
from tests.support.kiosk import Kiosk
from tests.support.plans import NO_PAIN
from ui.patient.strings import text

pytestmark = pytest.mark.skipif(not espeak_available(), reason="espeak-ng not installed (apt-get install espeak-ng)")


def _marks(kiosk: Kiosk) -> list[str]:
    return [str(element.proto.body) for element in kiosk.at.get("html") if "data-read-aloud" in element.proto.body]


def _audio(kiosk: Kiosk) -> list[object]:
    return list(kiosk.at.get("audio"))


def _cached(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.wav")) if folder.exists() else []


def test_every_screen_offers_read_aloud_in_its_language(kiosk: Kiosk) -> None:
    assert kiosk.has_button(text("read_aloud", "en")) and kiosk.has_button(text("read_aloud", "es"))  # welcome
    kiosk.start("es")
    assert kiosk.has_button(text("read_aloud", "es"))
    assert not kiosk.has_button(text("read_aloud", "en"))


def test_tapping_read_aloud_plays_the_question_and_its_answers(kiosk: Kiosk, questionnaire: Questionnaire,
                                                                  tmp_path: Path) -> None:
    kiosk.start("es")
    item = kiosk.current_item()
    assert _audio(kiosk) == [] and _marks(kiosk) == []  # READ_ALOUD is off: nothing plays by itself
    kiosk.tap(text("read_aloud", "es"))
    (mark,) = _marks(kiosk)
    said = question_text(questionnaire, item.id, "es")
    assert 'data-lang="es"' in mark and item.text["es"] in said
    assert all(choice.label["es"] in said for choice in item.choices)
    assert len(_audio(kiosk)) == 1
    assert len(_cached(tmp_path / "speech")) == 1  # static text: cached for the next patient


def test_read_aloud_setting_reads_each_new_question_once(kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READ_ALOUD", "true")
    kiosk.at.run()
    kiosk.start("en")
    assert len(_marks(kiosk)) == 1  # read by itself on arrival
    kiosk.at.run()  # any rerun on the same question (a timer, a tap elsewhere) does not read it again
    assert _marks(kiosk) == []
    kiosk.answer("yes")
    assert len(_marks(kiosk)) == 1  # the next question is read by itself


def test_the_patient_turns_reading_on_from_the_welcome_screen(kiosk: Kiosk) -> None:
    box = next(c for c in kiosk.at.checkbox if text("read_aloud_always", "en") in c.label)
    assert box.value is False
    box.check().run()
    kiosk.start("en")
    assert len(_marks(kiosk)) == 1


def test_review_audio_holds_answers_so_it_is_never_cached(kiosk: Kiosk, tmp_path: Path) -> None:
    kiosk.start("en")
    kiosk.answer_all(NO_PAIN)
    assert kiosk.has_button(text("submit", "en"))
    before = _cached(tmp_path / "speech")
    kiosk.tap(text("read_aloud", "en"))
    (mark,) = _marks(kiosk)
    assert text("review_title", "en") in mark
    assert len(_audio(kiosk)) == 1
    assert _cached(tmp_path / "speech") == before  # made for this page only
