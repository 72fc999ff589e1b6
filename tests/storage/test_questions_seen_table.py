"""The questions as the patient saw them are kept beside the stored result, each distinct set
once (`question_texts`, revision 0013_questions_seen), and every single-screening read puts them
back; a list leaves them out. The revision moves the texts of existing rows out of the result and
back again on the way down, keeping the order of the answers (both engines)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace

from sqlalchemy import func, inspect, select

from scoring import Questionnaire, ScreeningResult
from storage import QueueFilter, Storage
from storage.schema import question_texts, submissions
from tests.support.revisions import downgraded


def _stored(storage: Storage, row_id: int) -> dict[str, object]:
    with storage.engine.connect() as connection:
        raw = connection.execute(select(submissions.c.result).where(submissions.c.id == row_id)).scalar_one()
    return raw if isinstance(raw, dict) else json.loads(raw)


def test_a_saved_result_keeps_its_question_texts_beside_the_row_once_per_set(
    storage: Storage, make_result: Callable[..., ScreeningResult]
) -> None:
    partial = make_result("sensory")
    result = make_result("sensory", "vasomotor", language="es")
    assert partial.questions_seen and result.questions_seen and partial.questions_seen != result.questions_seen
    storage.save_submission(idempotency_key="k", result=partial, language="es", complete=False)
    row = storage.save_submission(idempotency_key="k", result=result, language="es")  # the same row, finished
    twin = storage.save_submission(idempotency_key="k2", result=result, language="es")  # the same questions

    assert "questions_seen" not in _stored(storage, row.id) and _stored(storage, row.id)["answers"]
    with storage.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(question_texts)).scalar_one() == 2
        keys = connection.execute(select(submissions.c.questions_seen).order_by(submissions.c.id)).scalars().all()
    assert len(keys) == 2 and keys[0] == keys[1]  # one set, two screenings
    for read in (storage.get_submission(row.id), storage.get_by_reference(row.reference),
                 storage.get_submission(twin.id)):
        assert read is not None and read.result.questions_seen == result.questions_seen
        assert read.result.answers == result.answers
    listed = storage.list_submissions(QueueFilter()).rows
    assert {each.id for each in listed} == {row.id, twin.id}
    assert all(each.result.questions_seen == () and each.result.answers == result.answers for each in listed)


def test_the_revision_moves_the_texts_out_and_back_keeping_the_answers_in_order(
    database_url: str, make_result: Callable[..., ScreeningResult]
) -> None:
    storage = Storage(database_url)
    results = [make_result("sensory", "vasomotor"),
               make_result("motor_trophic", language="es", self_harm_thoughts="yes")]
    rows = [storage.save_submission(idempotency_key=f"k{n}", result=result, language=result.language)
            for n, result in enumerate(results)]
    storage.engine.dispose()
    with downgraded(database_url, "0012_patient_name") as connection:
        assert "question_texts" not in inspect(connection).get_table_names()
        for row, result in zip(rows, results, strict=True):
            raw = connection.execute(select(submissions.c.result).where(submissions.c.id == row.id)).scalar_one()
            stored = raw if isinstance(raw, dict) else json.loads(raw)
            assert ScreeningResult.from_dict(stored).questions_seen == result.questions_seen
            assert list(stored["answers"]) == [item for item, _ in result.answers]  # order kept

    again = Storage(database_url)  # upgrades to head: the texts move out again
    for row, result in zip(rows, results, strict=True):
        assert "questions_seen" not in _stored(again, row.id)
        read = again.get_submission(row.id)
        assert read is not None and read.result.questions_seen == result.questions_seen
        assert read.result.answers == result.answers


def test_the_screening_page_shows_the_stored_words_not_todays(
    storage: Storage, questionnaire: Questionnaire, make_result: Callable[..., ScreeningResult]
) -> None:
    """The words the patient saw live in `question_texts` now: the page read through storage
    still shows them (here a wording that is not today's) and not today's question."""
    from ui.coordinator.screening import answers_table

    result = make_result("sensory")
    today = questionnaire.item("pain_present").text["en"]
    then = "WORDS AS THE PATIENT SAW THEM: do you have pain?"
    seen = tuple(q._replace(text=then) if q.item == "pain_present" else q for q in result.questions_seen)
    assert seen != result.questions_seen
    row = storage.save_submission(idempotency_key="k", result=replace(result, questions_seen=seen), language="en")
    read = storage.get_submission(row.id)
    assert read is not None
    html = answers_table(read, questionnaire)
    assert "WORDS AS THE PATIENT SAW THEM" in html and today not in html
