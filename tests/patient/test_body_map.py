"""The body map for where the pain is (AppTest): each region a labelled button that says whether
it is chosen, the choice listed in words, the plain list one tap away and in step, and the
questionnaire's `body_map:` checked by the loader."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scoring import QuestionnaireError, load_questionnaire
from tests.support.kiosk import Kiosk
from ui.patient.strings import text

REPO = Path(__file__).resolve().parents[2]


def _chosen(kiosk: Kiosk) -> set[str]:
    suffix = text("body_map_chosen", kiosk.language, label="")
    return {b.label.removesuffix(suffix) for b in kiosk.at.button if b.label.endswith(suffix)}


def _answers(kiosk: Kiosk) -> object:
    from ui.patient.state import PatientSession

    session = kiosk.at.session_state["patient_session"]
    assert isinstance(session, PatientSession)
    return session.answers.get("pain_location")


def _to_the_map(kiosk: Kiosk, language: str = "en") -> None:
    kiosk.start(language).answer("yes")
    assert kiosk.current_item().id == "pain_location"


@pytest.mark.parametrize("language", ["en", "es"])
def test_tapping_a_region_chooses_it_and_tapping_again_undoes_it(kiosk: Kiosk, language: str) -> None:
    _to_the_map(kiosk, language)
    right_arm = kiosk.questionnaire.item("pain_location").choice("right_arm").label[language]
    left_leg = kiosk.questionnaire.item("pain_location").choice("left_leg").label[language]
    assert text("body_map_your_right", language) in kiosk.screen_text()
    kiosk.tap(right_arm).tap(left_leg)
    assert _chosen(kiosk) == {right_arm, left_leg}
    assert _answers(kiosk) == ("right_arm", "left_leg")  # questionnaire order, as the list would give
    assert text("body_map_you_chose", language, places=f"{right_arm}, {left_leg}") in kiosk.screen_text()
    kiosk.tap(text("body_map_chosen", language, label=right_arm))
    assert _chosen(kiosk) == {left_leg} and _answers(kiosk) == ("left_leg",)


def test_somewhere_else_is_a_box_beside_the_map(kiosk: Kiosk) -> None:
    _to_the_map(kiosk)
    (box,) = [c for c in kiosk.at.checkbox if c.label == "Somewhere else"]
    box.check().run()
    assert _answers(kiosk) == ("other",)


def test_the_plain_list_is_one_tap_away_and_shows_the_same_answers(kiosk: Kiosk) -> None:
    _to_the_map(kiosk)
    kiosk.tap("Right leg or foot")
    kiosk.tap(text("body_map_as_list", "en"))
    ticked = {box.label for box in kiosk.at.checkbox if box.value}
    assert ticked == {"Right leg or foot"}
    assert not [b for b in kiosk.at.button if b.label.startswith("Right leg")]  # no map now
    next(box for box in kiosk.at.checkbox if box.label == "Left arm or hand").check().run()
    kiosk.tap(text("body_map_as_picture", "en"))
    assert _chosen(kiosk) == {"Right leg or foot", "Left arm or hand"}


def test_the_answer_goes_on_to_review_in_words(kiosk: Kiosk) -> None:
    _to_the_map(kiosk)
    kiosk.tap("Left arm or hand").forward()
    assert kiosk.current_item().id != "pain_location"
    kiosk.tap(kiosk.words("back"))
    assert _chosen(kiosk) == {"Left arm or hand"}


@pytest.mark.parametrize(("body_map", "message"), [
    ({"right_arm": "right_arm", "tail": "left_arm"}, "items[pain_location].body_map.tail: unknown region"),
    ({"right_arm": "knee"}, "items[pain_location].body_map.right_arm: 'knee' is not one of this item's answers"),
    ({"right_arm": "right_arm", "left_arm": "right_arm"},
     "items[pain_location].body_map.left_arm: answer 'right_arm' is already on another region"),
], ids=["unknown-region", "unknown-answer", "answer-twice"])
def test_the_loader_names_a_bad_body_map(tmp_path: Path, body_map: dict[str, str], message: str) -> None:
    document = yaml.safe_load((REPO / "questionnaires" / "crps.yaml").read_text(encoding="utf-8"))
    item = next(entry for entry in document["items"] if entry["id"] == "pain_location")
    item["body_map"] = body_map
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as raised:
        load_questionnaire(path)
    assert any(message in str(problem) for problem in raised.value.problems), raised.value.problems


def test_only_a_multiple_choice_item_takes_a_body_map(tmp_path: Path) -> None:
    document = yaml.safe_load((REPO / "questionnaires" / "crps.yaml").read_text(encoding="utf-8"))
    item = next(entry for entry in document["items"] if entry["id"] == "pain_present")
    item["body_map"] = {"right_arm": "yes"}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="only a multiple-choice item can be answered on a body map"):
        load_questionnaire(path)
