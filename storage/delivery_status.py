"""What staff see of the alert deliveries: each channel's summary for the queue page (enabled,
last delivered, last error, undelivered, given up, not started, stuck), one screening's
deliveries, and the channels set up on this database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from storage import Storage
from storage.deliveries import DELIVERED, GAVE_UP, PENDING, SENDING, channel_enabled_at, due_an_alert
from storage.engine import aware, utc_now
from storage.schema import alert_channels, alert_deliveries, submissions


@dataclass(frozen=True)
class ChannelSummary:
    """What the queue page needs to say whether a channel works."""

    channel: str
    enabled_at: datetime | None
    last_delivered_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str | None  # of the most recent attempt; None when it succeeded
    undelivered: int  # waiting for a retry or being sent
    gave_up: int  # given up within the look-back window
    not_started: int  # urgent, due an alert, but no worker has picked it up
    stuck: int = 0  # being sent for longer than a send may take (the deadline): a hung channel



def channel_summary(
    storage: Storage, channel: str, *, look_back: timedelta, start_grace: timedelta,
    stuck_after: timedelta = timedelta(seconds=30),
) -> ChannelSummary:
    """Counts and the latest attempt on `channel`, for `alerts.channel_status`."""
    now = utc_now()
    enabled_at = channel_enabled_at(storage, channel)
    mine = alert_deliveries.c.channel == channel
    with storage.engine.connect() as connection:
        last_delivered = connection.execute(select(func.max(alert_deliveries.c.delivered_at)).where(mine)).scalar()
        latest = connection.execute(
            select(alert_deliveries.c.last_attempt_at, alert_deliveries.c.status, alert_deliveries.c.last_error)
            .where(mine, alert_deliveries.c.last_attempt_at.is_not(None))
            .order_by(alert_deliveries.c.last_attempt_at.desc(), alert_deliveries.c.id.desc())
            .limit(1)
        ).first()
        undelivered = connection.execute(
            select(func.count()).where(mine, alert_deliveries.c.status.in_((PENDING, SENDING)))
        ).scalar_one()
        gave_up = connection.execute(
            select(func.count()).where(
                mine, alert_deliveries.c.status == GAVE_UP, alert_deliveries.c.last_attempt_at >= now - look_back
            )
        ).scalar_one()
        stuck = connection.execute(
            select(func.count()).where(
                mine, alert_deliveries.c.status == SENDING, alert_deliveries.c.last_attempt_at < now - stuck_after
            )
        ).scalar_one()
        not_started = 0
        if enabled_at is not None:
            since = max(enabled_at, now - look_back)
            not_started = connection.execute(
                select(func.count()).select_from(submissions).where(
                    *due_an_alert(channel, since), submissions.c.created_at < now - start_grace
                )
            ).scalar_one()
    last_error = None
    if latest is not None and latest.status != DELIVERED:
        last_error = latest.last_error
    return ChannelSummary(
        channel=channel,
        enabled_at=enabled_at,
        last_delivered_at=None if last_delivered is None else aware(last_delivered),
        last_attempt_at=None if latest is None else aware(latest.last_attempt_at),
        last_error=last_error,
        undelivered=int(undelivered),
        gave_up=int(gave_up),
        not_started=int(not_started),
        stuck=int(stuck),
    )


def deliveries_for(storage: Storage, submission_id: int) -> dict[str, str]:
    """{channel: status} of one submission's alerts, "channel level" when a level is known
    (for tests and the detail page)."""
    with storage.engine.connect() as connection:
        rows = connection.execute(
            select(alert_deliveries.c.channel, alert_deliveries.c.level, alert_deliveries.c.status)
            .where(alert_deliveries.c.submission_id == submission_id)
            .order_by(alert_deliveries.c.id)
        ).all()
    return {f"{channel} {level}".strip(): str(status) for channel, level, status in rows}


def enabled_channels(storage: Storage) -> tuple[str, ...]:
    """Every channel ever set up on this database, in name order."""
    with storage.engine.connect() as connection:
        return tuple(connection.execute(select(alert_channels.c.channel).order_by(alert_channels.c.channel)).scalars())
