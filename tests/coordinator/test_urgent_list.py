"""The urgent list in order of danger (hazard H58): level first (emergency, talk-now, same-day),
longest waiting first within a level, every emergency and talk-now on the first screen however
long yesterday's same-day backlog is, the count per level in the heading, demo rows never mixed
into a clinic's list unless asked for, each row's tablet and minutes waiting, and one bell for a
new urgent with no patient data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from scoring import RED_FLAG_LEVELS, load_questionnaire, score
from storage import Storage, Submission
from storage.demo import DEMO_TABLET
from storage.schema import submissions
from storage.urgent import urgent_list
from tests.support.answers import DEFAULT_QUESTIONNAIRE, with_categories
from tests.support.coordinator_app import (
    page_text,
    sign_in,
)
from ui.coordinator.urgent_list import PAGE_SIZE

BACKLOG = 36  # open same-day urgents left from yesterday (the attack run's backlog)


def urgent_rows(at: AppTest) -> str:
    """The urgent list's lines (Markdown), not the queue table below it."""
    return "\n".join(str(m.value) for m in at.markdown if " min" in str(m.value))


def backdate(storage: Storage, row: Submission, **ago: float) -> None:
    with storage.engine.begin() as connection:
        connection.execute(update(submissions).where(submissions.c.id == row.id).values(
            created_at=row.created_at - timedelta(**ago)))


@pytest.fixture
def backlog(storage_with_staff: Storage, submit: Callable[..., Submission]) -> list[Submission]:
    """36 same-day urgents raised yesterday, oldest first, still open."""
    rows = [submit(fever_with_hot_red_limb="yes") for _ in range(BACKLOG)]
    for minutes, row in enumerate(rows):
        backdate(storage_with_staff, row, days=1, minutes=BACKLOG - minutes)
    return rows


def test_a_new_emergency_is_on_the_first_screen_above_yesterdays_same_day_backlog(
    app: AppTest, backlog: list[Submission], submit: Callable[..., Submission],
) -> None:
    assert BACKLOG > PAGE_SIZE  # the backlog alone fills more than one page
    artery = submit(hand_or_foot_newly_pale="yes")  # both raised just now
    stroke = submit(stroke_signs_last_hours="yes")
    sign_in(app)
    text = urgent_rows(app)
    assert not app.exception
    assert artery.reference in text and stroke.reference in text  # 1.1: only under "Newer urgents"
    first_same_day = text.index(backlog[0].reference)
    assert text.index(artery.reference) < first_same_day and text.index(stroke.reference) < first_same_day
    assert backlog[PAGE_SIZE].reference not in text  # same-day rows are paged (20 on the first screen)


def test_levels_in_order_then_longest_waiting_first_within_each(
    storage_with_staff: Storage, submit: Callable[..., Submission],
) -> None:
    same_day_old = submit(fever_with_hot_red_limb="yes")
    talk_now = submit(self_harm_thoughts="yes")
    emergency_new = submit(stroke_signs_last_hours="yes")
    emergency_old = submit(hand_or_foot_newly_pale="yes")
    same_day_new = submit(redness_spreading_fast="yes")
    backdate(storage_with_staff, same_day_old, hours=5)  # the oldest of all, but only same-day
    backdate(storage_with_staff, talk_now, hours=3)
    backdate(storage_with_staff, emergency_old, hours=1)
    listed = urgent_list(storage_with_staff, page_size=20)
    assert [row.id for row in listed.rows] == [
        emergency_old.id, emergency_new.id, talk_now.id, same_day_old.id, same_day_new.id]
    assert listed.counts == {"emergency": 2, "talk_now": 1, "same_day": 2}


def test_the_heading_counts_each_level(
    app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission]
) -> None:
    submit(fever_with_hot_red_limb="yes")
    submit(fever_with_hot_red_limb="yes")
    submit(self_harm_thoughts="yes")
    submit(stroke_signs_last_hours="yes")
    sign_in(app)
    [heading] = [e.value for e in app.error if str(e.value).startswith("URGENT")]
    assert heading.startswith(
        "URGENT: 4 open urgent screening(s) need staff now: 1 emergency, 1 talk-now, 2 same-day.")


def test_every_go_now_row_stays_above_on_every_same_day_page(
    storage_with_staff: Storage, backlog: list[Submission], submit: Callable[..., Submission],
) -> None:
    emergencies = [submit(stroke_signs_last_hours="yes") for _ in range(PAGE_SIZE + 3)]  # more than a page of them
    pages = [urgent_list(storage_with_staff, page=n, page_size=PAGE_SIZE) for n in (1, 2)]
    for listed in pages:
        assert [row.id for row in listed.go_now] == [row.id for row in emergencies]
    assert [row.id for row in pages[0].same_day + pages[1].same_day] == [row.id for row in backlog]
    assert pages[0].same_day_pages == 2


def test_an_urgent_with_no_level_counts_as_an_emergency(
    storage_with_staff: Storage, submit: Callable[..., Submission],
) -> None:
    same_day = submit(fever_with_hot_red_limb="yes")
    unknown = submit(stroke_signs_last_hours="yes")
    backdate(storage_with_staff, same_day, hours=2)
    with storage_with_staff.engine.begin() as connection:  # a 1.0 row: urgent, level never recorded
        connection.execute(update(submissions).where(submissions.c.id == unknown.id).values(red_flag_level=None))
    listed = urgent_list(storage_with_staff)
    assert [row.id for row in listed.go_now] == [unknown.id] and listed.counts["emergency"] == 1


def test_a_later_same_day_flag_never_lowers_a_saved_talk_now(storage: Storage) -> None:
    questionnaire = load_questionnaire(DEFAULT_QUESTIONNAIRE)
    talk_now = score(questionnaire, {"self_harm_thoughts": "yes"}, "en", partial=True)
    both = score(questionnaire, {"self_harm_thoughts": "yes", "fever_with_hot_red_limb": "yes"}, "en", partial=True)
    storage.save_submission(idempotency_key="p", result=talk_now, language="en", complete=False,
                            red_flag_level="talk_now")
    saved = storage.save_submission(idempotency_key="p", result=both, language="en", complete=False,
                                    red_flag_level="same_day")
    assert saved.result.red_flag_level == "talk_now"  # 1.1's own copy of the order put same_day above talk_now
    assert RED_FLAG_LEVELS == ("emergency", "talk_now", "same_day")


def test_demo_rows_are_hidden_from_the_urgent_list_unless_asked_for(
    app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission],
) -> None:
    real = submit(stroke_signs_last_hours="yes")
    demo = submit(stroke_signs_last_hours="yes")
    with storage_with_staff.engine.begin() as connection:
        connection.execute(update(submissions).where(submissions.c.id == demo.id).values(tablet=DEMO_TABLET))
    sign_in(app)
    text = urgent_rows(app)
    assert real.reference in text and demo.reference not in text
    assert "URGENT: 1 open urgent screening(s)" in page_text(app)
    [toggle] = app.checkbox
    assert "1 open demo urgents hidden" in toggle.label
    toggle.check().run()
    assert demo.reference in urgent_rows(app) and "DEMO" in urgent_rows(app)
    assert "URGENT: 2 open urgent screening(s)" in page_text(app)


def test_urgent_list_query_can_include_demo(storage_with_staff: Storage, submit: Callable[..., Submission]) -> None:
    demo = submit(stroke_signs_last_hours="yes")
    with storage_with_staff.engine.begin() as connection:
        connection.execute(update(submissions).where(submissions.c.id == demo.id).values(tablet=DEMO_TABLET))
    assert urgent_list(storage_with_staff).total == 0 and urgent_list(storage_with_staff).demo_hidden == 1
    assert [row.id for row in urgent_list(storage_with_staff, include_demo=True).rows] == [demo.id]


def test_scoring_owns_the_level_order() -> None:
    import storage.records

    assert storage.records.RED_FLAG_LEVELS is RED_FLAG_LEVELS
    assert with_categories  # the shared answer builder these tests use


def test_urgent_list_names_tablet_minutes_waiting_overdue_and_demo(
    app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission]
) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from storage.schema import submissions

    old = submit(hand_or_foot_newly_pale="yes")
    demo = submit(stroke_signs_last_hours="yes")
    with storage_with_staff.engine.begin() as connection:  # one raised yesterday on front-1, one from demo data
        connection.execute(update(submissions).where(submissions.c.id == old.id).values(
            created_at=old.created_at - timedelta(days=1, minutes=5), tablet="front-1"))
        connection.execute(update(submissions).where(submissions.c.id == demo.id).values(tablet="demo"))
    sign_in(app)
    app.checkbox[0].check().run()  # demo rows are hidden from the urgent list unless asked for
    text = page_text(app)
    assert "URGENT: 2 open urgent screening(s)" in text and "1 on this page are DEMO data" in text
    assert f"**{demo.reference}** · DEMO" in text
    assert "front-1 · 1445 min · OVERDUE" in text or "front-1 · 1444 min · OVERDUE" in text
    assert text.index(old.reference) < text.index(demo.reference)  # oldest first (both emergencies)


def test_new_urgent_rings_once_with_no_patient_data(
    app: AppTest, storage_with_staff: Storage, submit: Callable[..., Submission]
) -> None:
    def chimes(at: AppTest) -> list[str]:
        return [str(e.proto.srcdoc) for e in at.get("iframe") if "new urgent screening" in str(e.proto.srcdoc)]

    submit(hand_or_foot_newly_pale="yes")
    sign_in(app)
    assert chimes(app) == []  # the first look is silent: nothing is new yet
    new = submit(stroke_signs_last_hours="yes")
    app.run()
    rung = chimes(app)
    assert len(rung) == 1 and "Notification" in rung[0] and "AudioContext" in rung[0]
    assert new.reference not in rung[0] and "stroke" not in rung[0].lower()  # no patient data in it
    app.run()
    assert chimes(app) == []  # once, not on every refresh
