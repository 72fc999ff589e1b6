"""The unfiltered queue's total is a floor once storage stops counting (COUNT_CAP, 100,000):
the page says "100,000+", paging goes on past the cap, and the page's export is not offered
for a set it cannot count. The cap is lowered to 30 here so that 80 rows cross it."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from scoring import load_questionnaire
from storage import QueueFilter, QueuePage, Storage
from storage.demo import fill
from tests.coordinator.conftest import page_text, sign_in
from tests.core.conftest import DEFAULT_QUESTIONNAIRE
from ui.coordinator import queue

CAP, ROWS = 30, 80


@pytest.fixture
def capped(with_passcode: Storage, monkeypatch: pytest.MonkeyPatch) -> Storage:
    real = Storage.list_submissions

    def lower_cap(self: Storage, query: QueueFilter, **kwargs: Any) -> QueuePage:
        return real(self, query, **{**kwargs, "count_cap": CAP})

    monkeypatch.setattr(Storage, "list_submissions", lower_cap)
    fill(with_passcode, ROWS, questionnaire=load_questionnaire(DEFAULT_QUESTIONNAIRE))
    return with_passcode


def test_total_label_says_plus_when_capped() -> None:
    assert queue.total_label(QueuePage(rows=[], total=100_000, page=1, page_size=25, total_is_capped=True)) == (
        "100,000+")
    assert queue.total_label(QueuePage(rows=[], total=1234, page=1, page_size=25)) == "1,234"


def test_capped_queue_pages_past_the_cap(capped: Storage, app: AppTest) -> None:
    sign_in(app)
    seen: list[str] = []
    for number in range(1, 5):
        text = page_text(app)
        assert f"**{CAP}+ screening(s)** · page {number} · click a row" in text
        seen += list(app.dataframe[0].value["Reference"])
        if number < 4:
            assert not app.button(key="staff:next").disabled
            app.button(key="staff:next").click().run()
            assert not app.exception
    assert len(seen) == len(set(seen)) == ROWS  # every row reached, none twice
    assert app.button(key="staff:next").disabled  # a short last page: nothing after it
    app.button(key="staff:prev").click().run()
    assert "page 3 ·" in page_text(app)


def test_filtered_total_is_exact(capped: Storage, app: AppTest) -> None:
    sign_in(app)
    tier = str(capped.list_submissions(QueueFilter(), page_size=1).rows[0].result.tier)
    exact = capped.list_submissions(QueueFilter(tier=tier)).total
    app.selectbox(key="staff:filter:tier").select(tier).run()
    assert f"**{exact} screening(s)** · page 1 of {-(-exact // queue.PAGE_SIZE)}" in page_text(app)


def test_export_not_offered_for_an_uncounted_queue(
    capped: Storage, app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPORT_MAX_ROWS", "1000")  # above the cap: the floor alone would pass
    sign_in(app)
    assert f"{CAP}+ screenings match" in page_text(app)
    assert not [b for b in app.get("download_button") if "CSV" in b.proto.label]
