"""Results scored with the real questionnaire, for the storage tests (their databases come from
tests/conftest.py: each test that takes `storage` or `database_url` runs on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scoring import Questionnaire, ScreeningResult, score
from tests.support.answers import with_categories


@pytest.fixture
def make_result(questionnaire: Questionnaire) -> Callable[..., ScreeningResult]:
    """`make_result("sensory", "vasomotor", language="es", self_harm_thoughts="yes")`."""

    def build(*categories: str, language: str = "en", **answers: object) -> ScreeningResult:
        return score(questionnaire, with_categories(*categories, **answers), language)

    return build
