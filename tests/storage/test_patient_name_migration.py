"""Revision 0012_patient_name goes down and up again with rows in place (both engines): the name
column goes and comes back empty; a pending hand-off given by name only (no date of birth, which
0010 requires) is withdrawn on the way down, one with a date of birth is kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import inspect, select

from scoring import ScreeningResult
from storage import PatientIds, Storage, hand_off
from storage.schema import tablet_hand_offs
from tests.support.revisions import downgraded

BORN = date(1980, 2, 3)


def test_the_name_revision_goes_down_and_up_keeping_the_screenings(
    database_url: str, make_result: Callable[..., ScreeningResult]
) -> None:
    storage = Storage(database_url)
    row = storage.save_submission(idempotency_key="k", result=make_result("sensory"), language="en",
                                  patient=PatientIds("MRN-1", BORN, "Ann Lee"))
    hand_off.start(storage, tablet="front-1", chart_number="MRN-2", patient_name="Bo Diaz", actor="desk")
    hand_off.start(storage, tablet="front-2", chart_number="MRN-3", birth_date=BORN, actor="desk")
    storage.engine.dispose()
    with downgraded(database_url, "0011_audit_submission_index") as connection:
        assert "patient_name" not in {c["name"] for c in inspect(connection).get_columns("submissions")}
        kept = connection.execute(select(tablet_hand_offs.c.tablet, tablet_hand_offs.c.patient_identifier)).all()
        assert [tuple(r) for r in kept] == [("front-2", "MRN-3")]
        born = {c["name"]: c for c in inspect(connection).get_columns("tablet_hand_offs")}["patient_birth_date"]
        assert born["nullable"] is False
    again = Storage(database_url)  # upgrades to head again
    back = again.get_submission(row.id)
    assert back is not None and (back.patient_identifier, back.patient_birth_date, back.patient_name) == (
        "MRN-1", BORN, None)
    hand_off.start(again, tablet="front-1", chart_number="MRN-2", patient_name="Bo Diaz", actor="desk")
    assert {waiting.tablet for waiting in hand_off.waiting(again)} == {"front-1", "front-2"}
