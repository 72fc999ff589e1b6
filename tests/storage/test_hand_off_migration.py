"""Revision 0010_patient_hand_off goes down and up again with rows in place (both engines)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool

from scoring import ScreeningResult
from storage import PatientIds, Storage, migrations


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, database_url: str) -> str:
    return database_url if request.param == "sqlite" else str(request.getfixturevalue("postgres_url"))


def test_the_revision_goes_down_and_up_keeping_the_screenings(url: str,
                                                             make_result: Callable[..., ScreeningResult]) -> None:
    storage = Storage(url)
    row = storage.save_submission(idempotency_key="k", result=make_result("sensory"), language="en",
                                  patient=PatientIds("MRN-1", date(1980, 2, 3)))
    storage.engine.dispose()
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        config = migrations._config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0009_red_flag_events")
        connection.commit()
        assert "tablet_hand_offs" not in inspect(connection).get_table_names()
        assert "patient_birth_date" not in {c["name"] for c in inspect(connection).get_columns("submissions")}
    engine.dispose()
    again = Storage(url)  # upgrades to head again
    kept = again.get_submission(row.id)
    assert kept is not None and kept.patient_identifier == "MRN-1" and kept.patient_birth_date is None
