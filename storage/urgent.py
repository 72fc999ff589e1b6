"""The open urgent list in order of danger (hazard H58).

Level first (emergency, talk-now, same-day: `scoring.RED_FLAG_LEVELS`, the one owner of that
order), then waiting longest first within a level. Every emergency and talk-now row is always
returned ("go now" rows are never paged away, so a new emergency can never sit on page 2 behind
yesterday's same-day backlog); only the same-day rows are paged. An urgent row with no level (a
1.0 row) counts as an emergency: when in doubt, urgent. Demo rows (`storage.demo`) are left out
unless asked for, so made-up screenings never mix with a clinic's real ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from scoring import RED_FLAG_LEVELS
from storage import Storage
from storage.demo import DEMO_TABLET
from storage.reads import as_submissions
from storage.records import Submission
from storage.schema import submissions

SAME_DAY = "same_day"
GO_NOW_LEVELS = tuple(level for level in RED_FLAG_LEVELS if level != SAME_DAY)
GO_NOW_CAP = 500
"""A safety valve for the page's run time, never reached in a clinic (500 open emergencies)."""

_RANK = case(
    {level: rank for rank, level in enumerate(RED_FLAG_LEVELS)},
    value=submissions.c.red_flag_level,
    else_=0,  # no level recorded: treated as the most severe
)
_LEVEL = case({level: level for level in RED_FLAG_LEVELS}, value=submissions.c.red_flag_level,
              else_=RED_FLAG_LEVELS[0])


@dataclass(frozen=True)
class UrgentList:
    """What the queue's urgent list shows: every go-now row, one page of same-day rows, counts."""

    go_now: list[Submission]  # emergency then talk-now, longest waiting first within each
    same_day: list[Submission]  # one page, longest waiting first
    counts: dict[str, int]  # open urgents per level, every level in RED_FLAG_LEVELS (0 when none)
    page: int
    page_size: int
    demo_hidden: int  # open demo urgents left out (0 when they are shown)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def rows(self) -> list[Submission]:
        return self.go_now + self.same_day

    @property
    def same_day_pages(self) -> int:
        return max(1, -(-self.counts[SAME_DAY] // self.page_size))


def _open(include_demo: bool) -> list[ColumnElement[bool]]:
    condition: list[ColumnElement[bool]] = [submissions.c.urgent.is_(True), submissions.c.acknowledged_at.is_(None)]
    if not include_demo:
        condition.append(or_(submissions.c.tablet.is_(None), submissions.c.tablet != DEMO_TABLET))
    return condition


def urgent_list(storage: Storage, *, page: int = 1, page_size: int = 20, include_demo: bool = False) -> UrgentList:
    """Open (unacknowledged) urgents in order of danger; `page` pages the same-day rows only."""
    page = max(page, 1)
    ordered = (_RANK, submissions.c.created_at, submissions.c.id)
    with storage.engine.connect() as connection:
        counted: dict[str, int] = dict(connection.execute(
            select(_LEVEL, func.count()).where(*_open(include_demo)).group_by(_LEVEL)).all())
        demo_hidden = 0 if include_demo else int(connection.execute(
            select(func.count()).where(*_open(True), submissions.c.tablet == DEMO_TABLET)).scalar_one())
        go_now = as_submissions(connection, connection.execute(
            select(submissions).where(*_open(include_demo), _LEVEL.in_(GO_NOW_LEVELS))
            .order_by(*ordered).limit(GO_NOW_CAP)).mappings().all(), questions=False)
        same_day = as_submissions(connection, connection.execute(
            select(submissions).where(*_open(include_demo), submissions.c.red_flag_level == SAME_DAY)
            .order_by(*ordered).limit(page_size).offset((page - 1) * page_size)).mappings().all(), questions=False)
    counts: dict[str, int] = {level: int(counted.get(level, 0)) for level in RED_FLAG_LEVELS}
    return UrgentList(go_now=go_now, same_day=same_day, counts=counts, page=page, page_size=page_size,
                      demo_hidden=demo_hidden)


__all__ = ["GO_NOW_LEVELS", "UrgentList", "urgent_list"]
