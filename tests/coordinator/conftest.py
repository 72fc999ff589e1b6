"""AppTest of app.py with a fresh SQLite file per test and two known staff accounts."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from access import add_staff
from scoring import ScreeningResult, load_questionnaire, score
from storage import Storage, Submission
from tests.support.answers import DEFAULT_QUESTIONNAIRE, with_categories
from tests.support.coordinator_app import ADMIN, APP, COORDINATOR, PASSCODE


@pytest.fixture
def database_url(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app's database for this test, on SQLite only: these tests are about the pages, and the
    storage tests run every query on both engines. The app's cached engine is dropped around it."""
    url = sqlite_url
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_resource.clear()
    yield url
    st.cache_resource.clear()


@pytest.fixture
def storage_with_staff(storage: Storage) -> Storage:
    """The storage with two staff accounts added: an admin (ADMIN) and a coordinator (COORDINATOR),
    both with PASSCODE."""
    add_staff(storage, ADMIN, PASSCODE, role="admin", display_name="Ada Admin", actor="test")
    add_staff(storage, COORDINATOR, PASSCODE, role="coordinator", display_name="Cory Coordinator", actor="test")
    return storage


@pytest.fixture
def submit(storage: Storage) -> Callable[..., Submission]:
    questionnaire = load_questionnaire(DEFAULT_QUESTIONNAIRE)
    counter = iter(range(10_000))

    def save(*categories: str, language: str = "en", **answers: object) -> Submission:
        result: ScreeningResult = score(questionnaire, with_categories(*categories, **answers), language)
        return storage.save_submission(idempotency_key=f"t{next(counter)}", result=result, language=language)

    return save


@pytest.fixture
def app(database_url: str) -> AppTest:
    return AppTest.from_file(APP, default_timeout=30).run()


