"""`channel_status`: one line per alert channel for the queue page (is it working?)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from alerts.config import AlertConfig
from storage import Storage, delivery_status
from storage.delivery_status import ChannelSummary

LOOK_BACK = timedelta(hours=24)
START_GRACE = timedelta(seconds=30)
"""An urgent with no attempt this long after saving means no worker is sending on that channel."""
STUCK_MARGIN = timedelta(seconds=10)
"""A send still "sending" this long after its deadline (AlertConfig.timeout_seconds) is stuck: the
worker hung or died mid-send, so the channel is shown failing."""

CHANNEL_NAMES = {"webhook": "Webhook alerts", "email": "E-mail alerts"}


@dataclass(frozen=True)
class ChannelStatus:
    """Whether one channel works; `line` is what the queue page shows when `failing`."""

    channel: str
    failing: bool
    line: str
    last_delivered_at: datetime | None
    last_error: str | None
    undelivered: int


def channel_status(storage: Storage, config: AlertConfig | None = None) -> list[ChannelStatus]:
    """Each channel `config` sets up (or, without one, each ever set up), working or failing."""
    names = config.channels if config is not None else delivery_status.enabled_channels(storage)
    deadline = timedelta(seconds=(config or AlertConfig()).timeout_seconds)
    return [_status(delivery_status.channel_summary(storage, name, look_back=LOOK_BACK, start_grace=START_GRACE,
                                                    stuck_after=deadline + STUCK_MARGIN))
            for name in names]


def _status(summary: ChannelSummary) -> ChannelStatus:
    name = CHANNEL_NAMES.get(summary.channel, summary.channel)
    problems = []
    if summary.last_error:
        problems.append(f"last attempt failed ({summary.last_error})")
    if summary.gave_up:
        problems.append(f"{summary.gave_up} not delivered after retrying for a day")
    if summary.stuck:
        problems.append(f"{summary.stuck} stuck sending past the deadline (a hung receiver or worker)")
    if summary.not_started:
        problems.append(f"{summary.not_started} waiting with no attempt (is the alert worker running?)")
    if summary.enabled_at is None:
        problems.append("not started yet (is the alert worker running?)")
    if problems:
        line = f"{name} failing: " + "; ".join(problems) + "."
        if summary.undelivered:
            line += f" {summary.undelivered} waiting to be retried."
        if summary.last_delivered_at:
            line += f" Last delivered {summary.last_delivered_at:%Y-%m-%d %H:%M} UTC."
    else:
        line = f"{name} working."
    return ChannelStatus(
        channel=summary.channel, failing=bool(problems), line=line, last_delivered_at=summary.last_delivered_at,
        last_error=summary.last_error, undelivered=summary.undelivered,
    )
