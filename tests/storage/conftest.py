"""A fresh SQLite file per test, and results scored with the real questionnaire."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from scoring import Questionnaire, ScreeningResult, load_questionnaire, score
from storage import Storage
from tests.core.conftest import DEFAULT_QUESTIONNAIRE, with_categories


@pytest.fixture(scope="session")
def questionnaire() -> Questionnaire:
    return load_questionnaire(DEFAULT_QUESTIONNAIRE)


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'screening.db'}"


@pytest.fixture
def storage(database_url: str) -> Storage:
    return Storage(database_url)


@pytest.fixture
def make_result(questionnaire: Questionnaire) -> Callable[..., ScreeningResult]:
    """`make_result("sensory", "vasomotor", language="es", self_harm_thoughts="yes")`."""

    def build(*categories: str, language: str = "en", **answers: object) -> ScreeningResult:
        return score(questionnaire, with_categories(*categories, **answers), language)

    return build
