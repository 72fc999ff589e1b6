"""Revision 0010_patient_hand_off goes down and up again with rows in place (both engines)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import inspect

from scoring import ScreeningResult
from storage import PatientIds, Storage
from tests.support.revisions import downgraded


def test_the_revision_goes_down_and_up_keeping_the_screenings(database_url: str,
                                                             make_result: Callable[..., ScreeningResult]) -> None:
    storage = Storage(database_url)
    row = storage.save_submission(idempotency_key="k", result=make_result("sensory"), language="en",
                                  patient=PatientIds("MRN-1", date(1980, 2, 3)))
    storage.engine.dispose()
    with downgraded(database_url, "0009_red_flag_events") as connection:
        assert "tablet_hand_offs" not in inspect(connection).get_table_names()
        assert "patient_birth_date" not in {c["name"] for c in inspect(connection).get_columns("submissions")}
    again = Storage(database_url)  # upgrades to head again
    kept = again.get_submission(row.id)
    assert kept is not None and kept.patient_identifier == "MRN-1" and kept.patient_birth_date is None
