"""The desk's hand-off and staff-assisted answering in storage (issue 19 items 3 and 4), on SQLite
and PostgreSQL: a hand-off is taken once, expires, never echoes the patient's identifiers in the
audit trail; the saved row carries both identifiers and the help given; staff attach a patient
afterwards (audited); one chart number's screenings are its history, newest first."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from scoring import ScreeningResult
from storage import InvalidInput, PatientIds, QueueFilter, Storage, hand_off

BORN = date(1980, 2, 3)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_storage(request: pytest.FixtureRequest, database_url: str) -> Storage:
    if request.param == "sqlite":
        return Storage(database_url)
    return Storage(request.getfixturevalue("postgres_url"))


def test_a_hand_off_is_taken_once_by_the_next_patient(any_storage: Storage) -> None:
    started = hand_off.start(any_storage, tablet=" Front_1 ", chart_number="MRN-12345678", birth_date=BORN,
                             patient_name="maria Lopez", actor="alice")
    assert started.tablet == "front-1" and started.first_initial == "M"
    assert hand_off.pending(any_storage, "front-1") is not None
    taken = hand_off.take(any_storage, "front-1")
    assert taken is not None and taken.patient == PatientIds("MRN-12345678", BORN, "maria Lopez")
    assert hand_off.take(any_storage, "front-1") is None  # never twice
    assert hand_off.pending(any_storage, "front-1") is None
    assert hand_off.take(any_storage, "front-2") is None  # another tablet has nothing
    details = " ".join(event.detail for event in any_storage.list_audit())
    assert "MRN-12345678" not in details and "1980" not in details and "5678" in details
    assert "maria" not in details.lower() and "lopez" not in details.lower()
    assert {"hand_off_started", "hand_off_taken"} <= {event.event for event in any_storage.list_audit()}


def test_an_expired_hand_off_is_not_taken_and_is_audited(any_storage: Storage) -> None:
    then = datetime.now(UTC) - timedelta(minutes=31)
    hand_off.start(any_storage, tablet="front-1", chart_number="MRN-1", birth_date=BORN, actor="alice", now=then)
    assert hand_off.pending(any_storage, "front-1") is None
    assert hand_off.take(any_storage, "front-1") is None
    assert "hand_off_expired" in {event.event for event in any_storage.list_audit()}


def test_starting_a_hand_off_removes_expired_ones_of_other_tablets(storage: Storage) -> None:
    from sqlalchemy import select

    from storage.schema import tablet_hand_offs

    hand_off.start(storage, tablet="front-2", chart_number="MRN-2", birth_date=BORN, actor="alice",
                   now=datetime.now(UTC) - timedelta(hours=2))
    hand_off.start(storage, tablet="front-1", chart_number="MRN-1", birth_date=BORN, actor="alice")
    with storage.engine.connect() as connection:
        kept = connection.execute(select(tablet_hand_offs.c.tablet)).scalars().all()
    assert kept == ["front-1"]


def test_two_sessions_on_one_tablet_cannot_both_take_it(database_url: str) -> None:
    storage = Storage(database_url)
    hand_off.start(storage, tablet="front-1", chart_number="MRN-1", birth_date=BORN, actor="alice")
    taken: list[object] = []
    barrier = threading.Barrier(6)

    def grab() -> None:
        barrier.wait()
        taken.append(hand_off.take(storage, "front-1"))

    threads = [threading.Thread(target=grab) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(record is not None for record in taken) == 1


def test_a_new_hand_off_replaces_the_pending_one_and_can_be_withdrawn(storage: Storage) -> None:
    hand_off.start(storage, tablet="front-1", chart_number="MRN-1", birth_date=BORN, actor="alice")
    hand_off.start(storage, tablet="front-1", chart_number="MRN-2", birth_date=BORN, actor="bob")
    (waiting,) = hand_off.waiting(storage)
    assert waiting.patient.chart_number == "MRN-2"
    assert hand_off.cancel(storage, "front-1", actor="bob") and not hand_off.cancel(storage, "front-1", actor="bob")
    assert hand_off.take(storage, "front-1") is None
    assert "hand_off_cancelled" in {event.event for event in storage.list_audit()}


@pytest.mark.parametrize(("values", "words"), [
    ({"tablet": "front 1!"}, "letters a-z"),
    ({"chart_number": ""}, "chart number"),
    ({"chart_number": "x" * 65}, "1-64"),
    ({"birth_date": None, "patient_name": None}, r"date of birth \(YYYY-MM-DD\) or full name"),
    ({"birth_date": None, "patient_name": "   "}, r"date of birth \(YYYY-MM-DD\) or full name"),
    ({"birth_date": "03/02/1980"}, "YYYY-MM-DD"),
    ({"birth_date": date.today() + timedelta(days=1)}, "future"),
    ({"birth_date": date(1850, 1, 1)}, "130 years"),
    ({"patient_name": "1abc"}, "only letters, spaces, hyphens and apostrophes"),
    ({"patient_name": "Ann <b>Lee</b>"}, "only letters, spaces, hyphens and apostrophes"),
    ({"patient_name": "Ann; DROP"}, "only letters, spaces, hyphens and apostrophes"),
    ({"patient_name": "Ann\x00Lee"}, "only letters, spaces, hyphens and apostrophes"),
    ({"patient_name": "-Ann"}, "start with a letter"),
    ({"patient_name": "'Ann"}, "start with a letter"),
    ({"patient_name": "x" * 101}, "101 characters, at most 100"),
])
def test_a_hand_off_is_checked_for_format_without_echoing(storage: Storage, values: dict[str, object],
                                                         words: str) -> None:
    given: dict[str, object] = {"tablet": "front-1", "chart_number": "MRN-1", "birth_date": BORN,
                                "patient_name": "Ann", **values}
    with pytest.raises(InvalidInput, match=words) as raised:
        hand_off.start(storage, actor="alice", **given)  # type: ignore[arg-type]
    message = str(raised.value)
    assert "\n" not in message and "03/02" not in message and "xxxx" not in message
    assert "abc" not in message and "Lee" not in message and "DROP" not in message
    assert hand_off.waiting(storage) == []


@pytest.mark.parametrize(("given", "kept"), [
    ("María José García-López", "María José García-López"),
    ("  o'Brien   Seán  ", "o'Brien Seán"),
    ("N\u0303u\u0301n\u0303ez", "Ñúñez"),  # combining accents, made NFC
    ("Zoë D’Arcy", "Zoë D’Arcy"),  # a typographic apostrophe
    ("李小龍", "李小龍"),
    ("x" * 100, "x" * 100),
])
def test_a_name_is_trimmed_and_kept_in_the_desks_spelling(storage: Storage, given: str, kept: str) -> None:
    started = hand_off.start(storage, tablet="front-1", chart_number="MRN-1", patient_name=given, actor="alice")
    assert started.patient.name == kept and started.patient.birth_date is None
    assert started.first_initial == kept[0].upper()
    (waiting,) = hand_off.waiting(storage)
    assert waiting.patient == PatientIds("MRN-1", None, kept)


def test_a_hand_off_by_name_alone_is_taken_and_saved_never_echoed(
    any_storage: Storage, make_result: Callable[..., ScreeningResult]
) -> None:
    hand_off.start(any_storage, tablet="front-1", chart_number="MRN-12345678", patient_name="Maria Lopez",
                   actor="alice")
    taken = hand_off.take(any_storage, "front-1")
    assert taken is not None and taken.patient == PatientIds("MRN-12345678", None, "Maria Lopez")
    assert taken.first_initial == "M"
    saved = any_storage.save_submission(idempotency_key="k", result=make_result("sensory"), language="en",
                                        patient=taken.patient)
    assert (saved.patient_identifier, saved.patient_birth_date, saved.patient_name) == ("MRN-12345678", None,
                                                                                        "Maria Lopez")
    details = " ".join(event.detail for event in any_storage.list_audit())
    assert "Maria" not in details and "Lopez" not in details and "MRN-12345678" not in details
    assert "Maria" not in repr(taken) and "Lopez" not in repr(taken.patient) and "5678" in repr(taken.patient)


def test_a_hand_off_by_date_of_birth_alone_has_no_initial(storage: Storage) -> None:
    started = hand_off.start(storage, tablet="front-1", chart_number="MRN-1", birth_date=BORN, actor="alice")
    assert started.first_initial is None and started.patient == PatientIds("MRN-1", BORN)
    both = hand_off.start(storage, tablet="front-1", chart_number="MRN-1", birth_date=BORN,
                          patient_name="ann Lee", actor="alice")
    assert both.first_initial == "A" and both.patient == PatientIds("MRN-1", BORN, "ann Lee")


def test_a_save_refuses_a_patient_without_a_second_identifier_or_with_a_bad_name(
    storage: Storage, make_result: Callable[..., ScreeningResult]
) -> None:
    for patient in (PatientIds("MRN-1"), PatientIds("MRN-1", None, "<script>")):
        with pytest.raises(InvalidInput):
            storage.save_submission(idempotency_key="k", result=make_result(), language="en", patient=patient)
    assert storage.list_submissions(QueueFilter()).rows == []


def test_the_saved_row_carries_both_identifiers_and_the_help_given(
    any_storage: Storage, make_result: Callable[..., ScreeningResult]
) -> None:
    saved = any_storage.save_submission(idempotency_key="k1", result=make_result("sensory"), language="en",
                                        patient=PatientIds("MRN-12345678", BORN), assisted=("interpreter", "Somali"))
    assert (saved.patient_identifier, saved.patient_birth_date) == ("MRN-12345678", BORN)
    assert saved.assisted == "answered with staff help: interpreter (Somali)"
    again = any_storage.save_submission(idempotency_key="k2", result=make_result(), language="en",
                                        assisted=("staff", "Dana Lee"))
    assert again.patient_identifier is None and again.assisted == "answered with staff help: Dana Lee"
    with pytest.raises(InvalidInput):
        any_storage.save_submission(idempotency_key="k3", result=make_result(), language="en",
                                    assisted=("friend", "x"))


def test_an_incomplete_save_then_send_keeps_the_identifiers(
    storage: Storage, make_result: Callable[..., ScreeningResult]
) -> None:
    patient = PatientIds("MRN-9", BORN)
    storage.save_submission(idempotency_key="k", result=make_result(), language="en", complete=False,
                            patient=patient)
    done = storage.save_submission(idempotency_key="k", result=make_result("sensory"), language="en", patient=patient)
    assert done.complete and done.patient_birth_date == BORN


def test_staff_attach_a_patient_afterwards_audited_without_echo(
    any_storage: Storage, make_result: Callable[..., ScreeningResult]
) -> None:
    row = any_storage.save_submission(idempotency_key="k", result=make_result(), language="en")
    assert row.patient_identifier is None and not row.patient_attached
    with pytest.raises(InvalidInput):
        any_storage.attach_patient(row.id, "MRN-77", None, actor="alice")
    outcome = any_storage.attach_patient(row.id, " MRN-0077 ", "1975-12-31", actor="alice")
    assert outcome.ok and outcome.submission is not None
    assert (outcome.submission.patient_identifier, outcome.submission.patient_birth_date) == ("MRN-0077",
                                                                                              date(1975, 12, 31))
    (event,) = [e for e in any_storage.list_audit() if e.event == "patient_attached"]
    assert event.actor == "alice" and "MRN-0077" not in event.detail and "1975" not in event.detail
    assert not any_storage.attach_patient(9999, "MRN-1", BORN, actor="alice").ok


def test_staff_attach_a_patient_by_name_and_what_is_not_given_is_cleared(
    any_storage: Storage, make_result: Callable[..., ScreeningResult]
) -> None:
    row = any_storage.save_submission(idempotency_key="k", result=make_result(), language="en",
                                      patient=PatientIds("MRN-1", BORN, "Ann Lee"))
    with pytest.raises(InvalidInput, match="date of birth or the full name"):
        any_storage.attach_patient(row.id, "MRN-2", None, name="  ", actor="alice")
    with pytest.raises(InvalidInput, match="only letters"):
        any_storage.attach_patient(row.id, "MRN-2", None, name="Bo = 1", actor="alice")
    outcome = any_storage.attach_patient(row.id, "MRN-2", None, name=" Bo  Diaz ", actor="alice")
    assert outcome.submission is not None
    assert (outcome.submission.patient_identifier, outcome.submission.patient_birth_date,
            outcome.submission.patient_name) == ("MRN-2", None, "Bo Diaz")  # not Ann Lee's date of birth
    (event,) = [e for e in any_storage.list_audit() if e.event == "patient_attached"]
    assert "Diaz" not in event.detail and "name attached (replacing another patient)" in event.detail


def test_a_changed_chart_number_never_keeps_the_last_patients_birth_date_or_name(
    any_storage: Storage, make_result: Callable[..., ScreeningResult]
) -> None:
    """H40: correcting only the chart number of a screening (the 1.1 path) left the first patient's
    date of birth beside the second patient's chart number: two identifiers of two people."""
    row = any_storage.save_submission(idempotency_key="k", result=make_result(), language="en",
                                      patient=PatientIds("MRN-1", BORN, "Ann Lee"))
    same = any_storage.set_patient_identifier(row.id, " MRN-1 ", actor="alice").submission
    assert same is not None and (same.patient_birth_date, same.patient_name) == (BORN, "Ann Lee")
    other = any_storage.set_patient_identifier(row.id, "MRN-2", actor="alice").submission
    assert other is not None and other.patient_identifier == "MRN-2"
    assert (other.patient_birth_date, other.patient_name) == (None, None)
    any_storage.attach_patient(row.id, "MRN-3", BORN, name="Cy Ode", actor="alice")
    gone = any_storage.set_patient_identifier(row.id, None, actor="alice").submission
    assert gone is not None and (gone.patient_identifier, gone.patient_birth_date, gone.patient_name) == (
        None, None, None)


def test_one_chart_numbers_screenings_are_its_history_newest_first(
    storage: Storage, make_result: Callable[..., ScreeningResult]
) -> None:
    first = storage.save_submission(idempotency_key="a", result=make_result(), language="en",
                                    patient=PatientIds("MRN-5", BORN))
    storage.save_submission(idempotency_key="other", result=make_result(), language="en",
                            patient=PatientIds("MRN-6", BORN))
    second = storage.save_submission(idempotency_key="b", result=make_result("sensory"), language="en",
                                     patient=PatientIds("MRN-5", BORN))
    assert [row.id for row in storage.patient_history("MRN-5")] == [second.id, first.id]
