"""Alert deliveries: the database side of the alert worker (`storage.delivery_status` reads them
back for the queue page).

One row per (urgent submission, channel, red-flag level), made unique by the database: whoever inserts it owns
the alert, and every send attempt first wins a conditional UPDATE on (id, attempts), so two
workers, or two app servers on one database, never both send one. The audit trail gets one row
per attempt ("alert_sent", "alert_failed", "alert_gave_up"), never any answer or note.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, insert, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from storage import Storage, audit
from storage.engine import aware, utc_now
from storage.records import chart_last4
from storage.schema import alert_channels, alert_deliveries, submissions

ACTOR = "alert-worker"
PENDING, SENDING, DELIVERED, GAVE_UP = "pending", "sending", "delivered", "gave_up"


@dataclass(frozen=True)
class ClaimedAlert:
    """One alert this worker has won the right to send now (attempt number included)."""

    delivery_id: int
    channel: str
    attempt: int
    submission_id: int
    reference: str
    tablet: str | None
    red_flag_level: str | None
    submission_created_at: datetime  # first saved: when the red flag was raised
    alert_uuid: str = ""  # the id receivers see: random, given at the first attempt, kept for retries
    chart_last4: str | None = None  # the chart number's last 4 characters, never more, no name


def enable_channel(storage: Storage, channel: str) -> datetime:
    """Note when a channel was first set up (first caller wins) and return that time."""
    try:
        with storage.engine.begin() as connection:
            connection.execute(insert(alert_channels).values(channel=channel, enabled_at=utc_now()))
    except IntegrityError:
        pass  # already set up, by this server earlier or by another one
    enabled = channel_enabled_at(storage, channel)
    assert enabled is not None
    return enabled


def channel_enabled_at(storage: Storage, channel: str) -> datetime | None:
    with storage.engine.connect() as connection:
        found = connection.execute(
            select(alert_channels.c.enabled_at).where(alert_channels.c.channel == channel)
        ).scalar_one_or_none()
    return None if found is None else aware(found)


_LEVEL = func.coalesce(submissions.c.red_flag_level, "")


def due_an_alert(channel: str, since: datetime) -> list[ColumnElement[bool]]:
    """Urgent, unacknowledged, saved since `since`, and not yet queued on `channel` at its
    current red-flag level."""
    return [
        submissions.c.urgent.is_(True),
        submissions.c.acknowledged_at.is_(None),
        submissions.c.created_at >= since,
        ~exists().where(
            alert_deliveries.c.submission_id == submissions.c.id,
            alert_deliveries.c.channel == channel,
            alert_deliveries.c.level == _LEVEL,
        ),
    ]


def enqueue_new_urgent(storage: Storage, channel: str, *, since: datetime) -> int:
    """Add a pending delivery for each urgent not yet queued on `channel`; returns how many.

    One INSERT ... SELECT, so one short write however many urgents arrived at once. If another
    server's worker queued some of them in between (a unique-pair clash), nothing is added
    now and the next poll queues the rest."""
    now = utc_now()
    chosen = select(
        submissions.c.id, literal(channel), _LEVEL, literal(PENDING), literal(0),
        literal(now, alert_deliveries.c.created_at.type), literal(now, alert_deliveries.c.next_attempt_at.type),
    ).where(*due_an_alert(channel, since))
    try:
        with storage.engine.begin() as connection:
            added = connection.execute(
                insert(alert_deliveries).from_select(
                    ["submission_id", "channel", "level", "status", "attempts", "created_at", "next_attempt_at"],
                    chosen,
                )
            ).rowcount
    except IntegrityError:
        return 0  # another worker queued the same urgent first: the unique triple keeps it to one
    return max(int(added), 0)


def claim_due(
    storage: Storage, channel: str, *, worker: str, lease_seconds: float, limit: int = 20
) -> list[ClaimedAlert]:
    """Win the due deliveries on `channel` (pending and due, or a lapsed lease of a dead worker)."""
    claimed = (
        try_claim(storage, candidate, worker=worker, lease_seconds=lease_seconds)
        for candidate in due_candidates(storage, channel, limit=limit)
    )
    return [claim for claim in claimed if claim is not None]


@dataclass(frozen=True)
class Candidate:
    """A due delivery as read, before any claim: `attempts` is its version for the claim."""

    delivery_id: int
    channel: str
    attempts: int


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(alert_deliveries.c.status == PENDING, alert_deliveries.c.next_attempt_at <= now),
        and_(alert_deliveries.c.status == SENDING, alert_deliveries.c.lease_until < now),
    )


def due_candidates(storage: Storage, channel: str, *, limit: int = 20) -> list[Candidate]:
    with storage.engine.connect() as connection:
        rows = connection.execute(
            select(alert_deliveries.c.id, alert_deliveries.c.attempts)
            .where(alert_deliveries.c.channel == channel, _due(utc_now()))
            .order_by(alert_deliveries.c.next_attempt_at, alert_deliveries.c.id)
            .limit(limit)
        ).all()
    return [Candidate(int(delivery_id), channel, int(attempts)) for delivery_id, attempts in rows]


def try_claim(storage: Storage, candidate: Candidate, *, worker: str, lease_seconds: float) -> ClaimedAlert | None:
    """One conditional UPDATE: only the first worker to move `attempts` on wins the send."""
    now = utc_now()
    with storage.engine.begin() as connection:
        won = connection.execute(
            update(alert_deliveries)
            .where(
                alert_deliveries.c.id == candidate.delivery_id,
                alert_deliveries.c.attempts == candidate.attempts,
                _due(now),
            )
            .values(
                status=SENDING, attempts=candidate.attempts + 1, claimed_by=worker, last_attempt_at=now,
                lease_until=now + timedelta(seconds=lease_seconds),
                # the first attempt gives the alert its id; a retry keeps it (receivers drop repeats)
                alert_uuid=func.coalesce(alert_deliveries.c.alert_uuid, str(uuid.uuid4())),
            )
        ).rowcount
    if not won:
        return None
    return _claimed(storage, candidate.delivery_id, candidate.channel, candidate.attempts + 1)


def _claimed(storage: Storage, delivery_id: int, channel: str, attempt: int) -> ClaimedAlert:
    with storage.engine.connect() as connection:
        row = connection.execute(
            select(
                submissions.c.id, submissions.c.reference, submissions.c.created_at,
                submissions.c.tablet, alert_deliveries.c.level, alert_deliveries.c.alert_uuid,
                submissions.c.patient_identifier,
            )
            .join(alert_deliveries, alert_deliveries.c.submission_id == submissions.c.id)
            .where(alert_deliveries.c.id == delivery_id)
        ).mappings().one()
    return ClaimedAlert(
        delivery_id=delivery_id, channel=channel, attempt=attempt, submission_id=row["id"],
        reference=row["reference"], tablet=row["tablet"], red_flag_level=row["level"] or None,
        submission_created_at=aware(row["created_at"]), alert_uuid=str(row["alert_uuid"]),
        chart_last4=chart_last4(row["patient_identifier"]),
    )


def record_delivered(storage: Storage, claim: ClaimedAlert, *, worker: str) -> bool:
    """Mark the claim delivered (only if this worker still holds it) and audit the attempt."""
    now = utc_now()
    with storage.engine.begin() as connection:
        changed = connection.execute(
            update(alert_deliveries)
            .where(*_held(claim, worker))
            .values(status=DELIVERED, delivered_at=now, last_error=None, lease_until=None)
        ).rowcount
        audit.write(connection, "alert_sent", ACTOR, claim.submission_id,
               f"{claim.channel} attempt {claim.attempt}: delivered", now)
    return bool(changed)


def record_failed(
    storage: Storage, claim: ClaimedAlert, *, worker: str, error: str, retry_at: datetime | None
) -> bool:
    """Note a failed attempt: retry at `retry_at`, or give up when it is None. Audited."""
    now = utc_now()
    error = error[:300]
    with storage.engine.begin() as connection:
        changed = connection.execute(
            update(alert_deliveries)
            .where(*_held(claim, worker))
            .values(
                status=PENDING if retry_at else GAVE_UP, next_attempt_at=retry_at or now,
                last_error=error, lease_until=None,
            )
        ).rowcount
        if retry_at:
            wait = max(0.0, (retry_at - now).total_seconds())
            detail = f"{claim.channel} attempt {claim.attempt} failed: {error}; next try in {wait:.0f} s"
        else:
            detail = f"{claim.channel} attempt {claim.attempt} failed: {error}; gave up"
        event_name = "alert_failed" if retry_at else "alert_gave_up"
        audit.write(connection, event_name, ACTOR, claim.submission_id, detail, now)
    return bool(changed)


def _held(claim: ClaimedAlert, worker: str) -> list[ColumnElement[bool]]:
    return [
        alert_deliveries.c.id == claim.delivery_id,
        alert_deliveries.c.attempts == claim.attempt,
        alert_deliveries.c.claimed_by == worker,
        alert_deliveries.c.status == SENDING,
    ]
