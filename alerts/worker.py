"""`AlertWorker`: sends an alert for each new urgent screening, fed from the database.

One daemon thread per channel polls about every second: queue the new urgents, win each due
delivery by a conditional update, and hand it to a bounded pool of sending threads (at most
`SENDS_PER_CHANNEL` at once per channel), which sends and records the outcome. So a slow mail
server never holds up the webhook, and one slow send never holds up the next urgent on its own
channel; every send ends by its deadline (`AlertConfig.timeout_seconds`, alerts.channels), and
the claim's lease is longer than that deadline, so no second worker re-sends an alert while the
first is still within it. The patient's page run never waits for any of this;
it only saves the row.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import datetime, timedelta

from alerts.channels import Channel, DeliveryError
from alerts.config import AlertConfig, RetryPolicy
from alerts.message import AlertMessage
from storage import Storage, deliveries
from storage.engine import utc_now

log = logging.getLogger("crps.alerts")

MAX_AGE = timedelta(hours=24)
"""Urgents older than this are never alerted for the first time (a server back after a long
outage does not blast yesterday's list; the queue shows those as overdue)."""
SENDS_PER_CHANNEL = 4
"""Sends in flight at once on one channel: enough that one slow receiver answer never delays the
next urgent; few enough that a dead receiver never ties up more than four threads."""
LEASE_MARGIN_SECONDS = 20.0
"""The lease must outlast the send deadline by this much (the outcome's write included)."""


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
        sends_per_channel: int = SENDS_PER_CHANNEL,
    ) -> None:
        if lease_seconds < config.timeout_seconds + LEASE_MARGIN_SECONDS:
            raise ValueError(f"the alert lease ({lease_seconds:g} s) must outlast the send deadline "
                             f"({config.timeout_seconds:g} s) by {LEASE_MARGIN_SECONDS:g} s")
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
        self._slots = {channel.name: threading.BoundedSemaphore(sends_per_channel) for channel in self.channels}
        self._senders = ThreadPoolExecutor(max_workers=max(1, sends_per_channel * len(self.channels)),
                                           thread_name_prefix="alerts-send")
        self._in_flight: set[Future[int]] = set()
        self._lock = threading.Lock()

    def run_once(self) -> int:
        """One pass over every channel (their sends run side by side); returns how many alerts
        were delivered once every send of this pass has ended."""
        futures = [future for channel in self.channels for future in self._tick(channel)]
        return sum(future.result() for future in futures)

    def _enabled_at(self, channel: Channel) -> datetime:
        if channel.name not in self._enabled:
            self._enabled[channel.name] = deliveries.enable_channel(self.storage, channel.name)
        return self._enabled[channel.name]

    def _tick(self, channel: Channel) -> list[Future[int]]:
        """Queue new urgents, then claim and hand each due alert to a sending thread; returns
        the sends started (they run on after this returns)."""
        enabled_at = self._enabled_at(channel)
        since = max(enabled_at, utc_now() - MAX_AGE)
        deliveries.enqueue_new_urgent(self.storage, channel.name, since=since)
        started: list[Future[int]] = []
        slots = self._slots[channel.name]
        for candidate in deliveries.due_candidates(self.storage, channel.name, limit=100):
            if not self._free_slot(slots):
                break  # stopping: the rest stay pending for the next worker
            # Claimed one at a time, just before its send starts: the lease counts from the send,
            # never from a wait for a free sending thread.
            try:
                claim = deliveries.try_claim(self.storage, candidate, worker=self.name,
                                             lease_seconds=self.lease_seconds)
            except BaseException:
                slots.release()
                raise
            if claim is None:
                slots.release()
                continue
            future = self._senders.submit(self._send_then_free, channel, claim, slots)
            with self._lock:
                self._in_flight.add(future)
            future.add_done_callback(self._done)
            started.append(future)
        return started

    def _free_slot(self, slots: threading.BoundedSemaphore) -> bool:
        while not self._stop.is_set():
            if slots.acquire(timeout=0.2):
                return True
        return False

    def _done(self, future: Future[int]) -> None:
        with self._lock:
            self._in_flight.discard(future)

    def _send_then_free(self, channel: Channel, claim: deliveries.ClaimedAlert,
                        slots: threading.BoundedSemaphore) -> int:
        try:
            return self._send(channel, claim)
        except Exception as exc:  # the outcome could not be written (database down): the lease lapses,
            log.error("alert worker (%s): %s", channel.name, type(exc).__name__)  # a retry follows
            return 0
        finally:
            slots.release()

    def _send(self, channel: Channel, claim: deliveries.ClaimedAlert) -> int:
        message = AlertMessage.build(
            alert_id=claim.alert_uuid, reference=claim.reference, tablet=claim.tablet,
            level=claim.red_flag_level, saved_at=claim.submission_created_at, base_url=self.config.app_base_url,
            timezone=self.config.timezone, chart_last4=claim.chart_last4,
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
        """Start one daemon polling thread per channel (a second call does nothing)."""
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

    def stop(self, timeout: float = 15.0) -> None:
        """Ask every thread to stop, and wait (at most `timeout`) for the sends in flight, which
        each end by their deadline."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
        with self._lock:
            in_flight = set(self._in_flight)
        wait(in_flight, timeout=timeout)
        self._senders.shutdown(wait=False)

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
