"""Fixtures for every test folder: the default questionnaire, and one shared Chromium.

One Chromium per test session, shared: Playwright's sync API allows one instance per thread,
so the browser tests (tests/browser) and the FHIR renderer test (tests/fhir/test_lforms.py)
must use the same one. It skips, or fails under REQUIRE_BROWSER=1, without /usr/bin/chromium.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scoring import Questionnaire, load_questionnaire
from tests.support.answers import DEFAULT_QUESTIONNAIRE
from tests.support.browser import CHROMIUM, require_chromium


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
