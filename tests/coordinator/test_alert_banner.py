"""No alert channel at all is a banner on every staff page, not a small caption on the queue page
(hazard H61: staff away from the queue never told of an urgent)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from storage import Storage, Submission
from tests.support.coordinator_app import APP, go, sign_in, staff_session
from ui.alerting import NO_CHANNEL_BANNER

STAFF_PAGES = ("queue", "audit", "accounts")


def banners(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.error if str(e.value) == NO_CHANNEL_BANNER]


@pytest.fixture
def no_channel(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ALERT_WEBHOOK_URL", "ALERT_EMAIL_TO", "SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)


def test_every_staff_page_shows_the_banner_when_no_channel_is_set_up(
    no_channel: None, app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission],
) -> None:
    row = submit("sensory")
    sign_in(app)
    for page in STAFF_PAGES:
        go(app, page)
        assert not app.exception
        assert banners(app) == [NO_CHANNEL_BANNER], page
    staff_session(app).selected_id = row.id
    go(app, "screening")
    assert banners(app) == [NO_CHANNEL_BANNER], "screening"


def test_no_banner_once_a_channel_is_set_up(
    monkeypatch: pytest.MonkeyPatch, database_url: str, storage_with_staff: Storage,
) -> None:
    monkeypatch.setenv("ALERT_WEBHOOK_URL", "http://127.0.0.1:9/hook")
    at = sign_in(AppTest.from_file(APP, default_timeout=30).run())
    assert not at.exception and banners(at) == []
