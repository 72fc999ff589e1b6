"""What the database hands back: frozen records, filters and outcomes (no SQL here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from scoring import AnswerValue, ScreeningResult

STATUSES = ("new", "reviewed", "referred", "not_referred", "follow_up")
"""A submission's review status; every submission starts as "new"."""


class SaveFailed(RuntimeError):
    """A submission could not be saved after retrying; the message is one line, no answers."""


@dataclass(frozen=True)
class Submission:
    """One stored screening: the answers, the full result, and where review has got to."""

    id: int
    reference: str
    created_at: datetime
    updated_at: datetime
    questionnaire_id: str
    questionnaire_version: str
    questionnaire_hash: str
    language: str
    answers: dict[str, AnswerValue]
    result: ScreeningResult
    tier: str
    urgent: bool
    status: str
    note: str | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    row_version: int


@dataclass(frozen=True)
class QueueFilter:
    """The coordinator's filters; None means "any". Dates are UTC calendar days, inclusive."""

    date_from: date | None = None
    date_to: date | None = None
    tier: str | None = None
    urgent: bool | None = None
    status: str | None = None
    reference: str | None = None


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue and the total that matched the filter."""

    rows: list[Submission]
    total: int
    page: int
    page_size: int


@dataclass(frozen=True)
class UpdateOutcome:
    """The result of a review action: on a conflict `ok` is False and `submission` is current."""

    ok: bool
    submission: Submission | None
    message: str


@dataclass(frozen=True)
class AuditEvent:
    """One append-only audit row."""

    id: int
    at: datetime
    actor: str
    event: str
    submission_id: int | None
    detail: str
