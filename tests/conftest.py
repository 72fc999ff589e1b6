"""Fixtures for every test folder: the default questionnaire, a fresh database on each engine,
and one shared Chromium.

`storage` and `database_url` run a test twice: on a SQLite file, then on a new database of one
throwaway PostgreSQL cluster (tests/support/postgres_cluster.py: skipped without the server
binaries, a failure under REQUIRE_BROWSER=1). A test of one engine asks for `sqlite_url` or
`postgres_url`.

One Chromium per test session, shared: Playwright's sync API allows one instance per thread,
so the browser tests (tests/browser) and the FHIR renderer test (tests/fhir/test_lforms.py)
must use the same one. It skips, or fails under REQUIRE_BROWSER=1, without /usr/bin/chromium.

Hypothesis runs without its per-example deadline (200 ms by default) in every test: the
properties are about outcomes, speed is measured in bench/, and a loaded 2-core CI machine can
run one example past 200 ms (an error, or "Flaky", though nothing is wrong).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from scoring import Questionnaire, load_questionnaire
from storage import Storage
from tests.support.answers import DEFAULT_QUESTIONNAIRE
from tests.support.browser import CHROMIUM, require_chromium
from tests.support.postgres_cluster import throwaway_cluster

settings.register_profile("suite", deadline=None)
settings.load_profile("suite")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def questionnaire() -> Questionnaire:
    """The default questionnaire, questionnaires/crps.yaml, loaded once."""
    return load_questionnaire(DEFAULT_QUESTIONNAIRE)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A new SQLite file in the test's own folder."""
    return f"sqlite:///{tmp_path / 'screening.db'}"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """One throwaway PostgreSQL cluster for the session (the URL of its `postgres` database)."""
    with throwaway_cluster() as url:
        yield url


_DATABASE_NUMBERS = itertools.count(1)


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A new, empty database on the throwaway cluster."""
    name = f"test_{next(_DATABASE_NUMBERS)}"
    engine = create_engine(postgres_server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return postgres_server.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """A new, empty database on each engine in turn: `sqlite_url`, then `postgres_url`."""
    return str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url"))


@pytest.fixture
def storage(database_url: str) -> Storage:
    """The storage on `database_url`: each test that takes it runs on SQLite and on PostgreSQL."""
    return Storage(database_url)
