"""Browser-test fixtures: a Streamlit server per test, a tablet-sized page, the screenshot folder;
every test here is marked `browser`. The driver itself is tests/support/browser.py.

A browser test that fails on a Playwright time-out (a wait for an element or a click that did
not come within its 20-30 s) runs once more, as Playwright's own runner does on CI; pytest's
summary names each rerun ("R", "1 rerun"). Any other failure, a wrong text, order or position
included, fails at once: only waiting is given a second chance, never an outcome. (CI on two
shared cores saw one such time-out in ~55 browser tests every few runs, a different test each
time, each a race in the test's own timing.)"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from storage import Storage
from tests.support.browser import ARTIFACTS, TABLET, StreamlitServer, require_chromium, start_server


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.flaky(reruns=1, only_rerun=[PlaywrightTimeoutError]))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[StreamlitServer]:
    """One app for the test module, on its own SQLite file, its read-aloud audio in its own folder.

    Taps count at once (TAP_GUARD_SECONDS=0): Playwright taps as soon as a screen settles, which
    the double-tap guard would ignore. A module that needs accounts or a staff code overrides
    `server` with a fixture that takes this one and adds them.
    """
    require_chromium()
    folder = tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
    started = start_server(folder, SPEECH_CACHE_DIR=str(folder / "speech"), TAP_GUARD_SECONDS="0")
    yield started
    started.stop()


@pytest.fixture(scope="module")
def storage(server: StreamlitServer) -> Storage:
    """The module's app database, for seeding rows and reading what the app saved."""
    return Storage(server.env["DATABASE_URL"])


@pytest.fixture
def streamlit_server(tmp_path: Path) -> Iterator[Callable[..., StreamlitServer]]:
    """Factory: `server = streamlit_server(IDLE_TIMEOUT_SECONDS="5")` → a running app.

    Each server gets a fresh SQLite file in tmp_path (`server.env["DATABASE_URL"]`).
    """
    require_chromium()
    servers: list[StreamlitServer] = []

    def start(**settings: str) -> StreamlitServer:
        server = start_server(tmp_path, f"screening-{len(servers)}", **settings)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def tablet_page(browser: object) -> Iterator[object]:
    """A fresh context (its own cookies and storage) with a tablet-sized viewport."""
    context = browser.new_context(viewport=TABLET, has_touch=True, locale="en-US")  # type: ignore[attr-defined]
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where screenshots go for a person to look at (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
