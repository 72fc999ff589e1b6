"""`AlertWorker`: sends an alert for each new urgent screening, fed from the database.

One daemon thread per channel (a slow mail server never holds up the webhook), each polling
about every second: queue the new urgents, win each due delivery by a conditional update, send,
record the outcome. The patient's page run never waits for any of this; it only saves the row.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from alerts.channels import Channel, DeliveryError
from alerts.config import AlertConfig, RetryPolicy
from alerts.message import AlertMessage
from storage import Storage
from storage import alerts as deliveries
from storage.database import utc_now

log = logging.getLogger("crps.alerts")

MAX_AGE = timedelta(hours=24)
"""Urgents older than this are never alerted for the first time (a server back after a long
outage does not blast yesterday's list; the queue shows those as overdue)."""


class AlertWorker:
    """Background sender; `start()` once per process, `stop()` in tests and at shutdown."""

    def __init__(
        self,
        storage: Storage,
        channels: Sequence[Channel],
        config: AlertConfig,
        *,
        poll_seconds: float = 1.0,
        retry: RetryPolicy | None = None,
        lease_seconds: float = 60.0,
        name: str | None = None,
    ) -> None:
        self.storage = storage
        self.channels = list(channels)
        self.config = config
        self.poll_seconds = poll_seconds
        self.retry = retry or RetryPolicy()
        self.lease_seconds = lease_seconds
        self.name = name or f"worker-{uuid.uuid4().hex[:12]}"
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._enabled: dict[str, datetime] = {}

    def run_once(self) -> int:
        """One pass over every channel; returns how many alerts were delivered."""
        return sum(self._tick(channel) for channel in self.channels)

    def _enabled_at(self, channel: Channel) -> datetime:
        if channel.name not in self._enabled:
            self._enabled[channel.name] = deliveries.enable_channel(self.storage, channel.name)
        return self._enabled[channel.name]

    def _tick(self, channel: Channel) -> int:
        enabled_at = self._enabled_at(channel)
        since = max(enabled_at, utc_now() - MAX_AGE)
        deliveries.enqueue_new_urgent(self.storage, channel.name, since=since)
        delivered = 0
        for candidate in deliveries.due_candidates(self.storage, channel.name, limit=100):
            if self._stop.is_set():
                break  # the rest stay pending for the next worker
            # Claimed one at a time, just before its send: a lease never runs out while earlier
            # alerts of the same batch are still going out on a slow server.
            claim = deliveries.try_claim(self.storage, candidate, worker=self.name, lease_seconds=self.lease_seconds)
            if claim is not None:
                delivered += self._send(channel, claim)
        return delivered

    def _send(self, channel: Channel, claim: deliveries.ClaimedAlert) -> int:
        message = AlertMessage.build(
            alert_id=f"{claim.channel}:{claim.delivery_id}", reference=claim.reference, tablet=claim.tablet,
            level=claim.red_flag_level, saved_at=claim.submission_created_at, base_url=self.config.app_base_url,
            timezone=self.config.timezone,
        )
        try:
            channel.send(message)
        except DeliveryError as exc:
            error = str(exc)
        except Exception as exc:  # a bug must still show as a failed attempt, not a stuck alert
            error = f"unexpected {type(exc).__name__}"
        else:
            deliveries.record_delivered(self.storage, claim, worker=self.name)
            return 1
        retry_at = None
        if utc_now() - claim.submission_created_at < self.retry.give_up_after:
            retry_at = utc_now() + timedelta(seconds=self.retry.delay(claim.attempt))
        deliveries.record_failed(self.storage, claim, worker=self.name, error=error, retry_at=retry_at)
        log.warning("alert %s for %s, attempt %d failed: %s", claim.channel, claim.reference, claim.attempt, error)
        return 0

    # -- threads ------------------------------------------------------------------------------

    def start(self) -> None:
        """Start one daemon thread per channel (a second call does nothing)."""
        if self._threads:
            return
        for channel in self.channels:
            try:  # before the threads: an urgent saved after start() is always alerted
                self._enabled_at(channel)
            except Exception as exc:  # the database may be down for a moment; the loop tries again
                log.error("alert worker (%s): %s", channel.name, type(exc).__name__)
            thread = threading.Thread(
                target=self._loop, args=(channel,), name=f"alerts-{channel.name}", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask every thread to finish its current send and wait for them."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)

    @property
    def running(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    def _loop(self, channel: Channel) -> None:
        while not self._stop.is_set():
            try:
                self._tick(channel)
            except Exception as exc:  # the database may be down for a moment: keep polling
                log.error("alert worker (%s): %s", channel.name, type(exc).__name__)
            self._stop.wait(self.poll_seconds)
