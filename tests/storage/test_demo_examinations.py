"""Demo examinations: made-up, labelled, for about the share asked, and counted."""

from __future__ import annotations

from scoring import Questionnaire
from storage import Storage
from storage.demo import DEMO_CLINICIAN, fill
from storage.examinations import accuracy


def test_demo_data_examines_a_share_labelled_demo(storage: Storage, questionnaire: Questionnaire) -> None:
    fill(storage, 2000, questionnaire=questionnaire, examined_share=0.1)
    (figures,) = accuracy(storage)
    assert figures.screenings == 2000
    assert 150 <= figures.examined <= 250
    assert figures.referral.total + figures.not_yet_decided == figures.examined
    events = [event for event in storage.list_audit() if event.event == "examination_recorded"]
    assert [(event.actor, event.detail) for event in events] == [
        (DEMO_CLINICIAN, f"{figures.examined} made-up DEMO examinations")]
    fill(storage, 10, questionnaire=questionnaire)  # the default: no examinations added
    assert accuracy(storage)[0].examined == figures.examined
