"""A fresh SQLite file per test (or a fresh PostgreSQL database on one throwaway cluster), and
results scored with the real questionnaire."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from scoring import Questionnaire, ScreeningResult, score
from storage import Storage
from tests.support.answers import with_categories
from tests.support.postgres_cluster import throwaway_cluster


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'screening.db'}"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """One throwaway PostgreSQL cluster for the session (skipped without the server binaries)."""
    with throwaway_cluster() as url:
        yield url


_NUMBERS = itertools.count(1)


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A new, empty database on the throwaway cluster."""
    name = f"test_{next(_NUMBERS)}"
    engine = create_engine(postgres_server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return postgres_server.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def storage(database_url: str) -> Storage:
    return Storage(database_url)


@pytest.fixture
def make_result(questionnaire: Questionnaire) -> Callable[..., ScreeningResult]:
    """`make_result("sensory", "vasomotor", language="es", self_harm_thoughts="yes")`."""

    def build(*categories: str, language: str = "en", **answers: object) -> ScreeningResult:
        return score(questionnaire, with_categories(*categories, **answers), language)

    return build
