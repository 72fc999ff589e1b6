"""A slow receiver never holds the worker (hazard H59): every send ends by a
whole-request deadline, sends run side by side (one slow alert never delays the next, on any
channel), a stuck channel shows failing, and the lease outlasts the deadline so a second worker
never re-sends while the first is still within it. Real receivers on loopback that trickle one
byte at a time (each per-read time-out is met, as in the 152 s hold of 1.1)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import update

from alerts import AlertConfig, AlertWorker, RetryPolicy, channel_status
from storage import Storage, Submission, deliveries, delivery_status
from storage.schema import alert_deliveries
from tests.support.receivers import TrickleServer, WebhookReceiver, free_port, wait_for

DEADLINE = 2.0  # seconds; the app's is 10 (AlertConfig.timeout_seconds)


def events(storage: Storage, name: str) -> list[str]:
    return [event.detail for event in reversed(storage.list_audit(limit=1000)) if event.event == name]


@pytest.fixture
def trickle_http() -> Iterator[TrickleServer]:
    server = TrickleServer.http().start()
    yield server
    server.stop()


@pytest.fixture
def trickle_smtp() -> Iterator[TrickleServer]:
    server = TrickleServer.smtp().start()
    yield server
    server.stop()


def test_a_trickling_webhook_is_cut_off_at_the_deadline_and_shows_failing(
    storage: Storage, save_urgent: Callable[[str], Submission], trickle_http: TrickleServer,
    make_worker: Callable[..., AlertWorker],
) -> None:
    config = AlertConfig(webhook_url=trickle_http.url, timeout_seconds=DEADLINE)
    worker = make_worker(storage, config)
    worker.run_once()
    submission = save_urgent("k")
    started = time.monotonic()
    done = threading.Thread(target=worker.run_once, daemon=True)
    done.start()
    done.join(DEADLINE + 6)  # 1.1: the per-read time-out never fired, the send went on and on
    assert not done.is_alive(), "the send outlived its deadline"
    assert time.monotonic() - started < DEADLINE + 6
    [failed] = events(storage, "alert_failed")
    assert failed.startswith("webhook attempt 1 failed: cannot reach the webhook: no complete answer within 2 s")
    assert delivery_status.deliveries_for(storage, submission.id) == {"webhook emergency": "pending"}  # retried later
    [status] = channel_status(storage, config)
    assert status.failing and "deadline" in status.line


def test_a_trickling_mail_server_is_cut_off_at_the_deadline(
    storage: Storage, save_urgent: Callable[[str], Submission], trickle_smtp: TrickleServer,
    make_worker: Callable[..., AlertWorker],
) -> None:
    config = AlertConfig(email_to=("a@clinic.example",), smtp_host="127.0.0.1", smtp_port=trickle_smtp.port,
                         timeout_seconds=DEADLINE)
    worker = make_worker(storage, config)
    worker.run_once()
    save_urgent("k")
    done = threading.Thread(target=worker.run_once, daemon=True)
    done.start()
    done.join(DEADLINE + 6)
    assert not done.is_alive(), "the send outlived its deadline"
    [failed] = events(storage, "alert_failed")
    assert failed.startswith("email attempt 1 failed: cannot send e-mail: no complete answer within 2 s")
    [status] = channel_status(storage, config)
    assert status.failing


class StallFirst:
    """A webhook receiver whose first POST is answered only when `release` is set (or after 20 s);
    every later POST is answered at once."""

    def __init__(self) -> None:
        self.port = free_port()
        self.release = threading.Event()
        self.arrived: list[tuple[str, float]] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                reference = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["reference"]
                with receiver._lock:
                    first = not receiver.arrived
                    receiver.arrived.append((reference, time.monotonic()))
                if first:
                    receiver.release.wait(20)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def test_one_slow_alert_never_delays_the_next_urgent_on_the_same_channel(
    storage: Storage, save_urgent: Callable[[str], Submission], make_worker: Callable[..., AlertWorker],
) -> None:
    receiver = StallFirst()
    try:
        config = AlertConfig(webhook_url=f"http://127.0.0.1:{receiver.port}/hook", timeout_seconds=15)
        worker = make_worker(storage, config, lease_seconds=60)
        worker.start()
        wait_for(lambda: delivery_status.enabled_channels(storage) == ("webhook",))
        slow = save_urgent("first")
        wait_for(lambda: len(receiver.arrived) == 1)
        second = save_urgent("second")  # saved while the first alert's receiver is still thinking
        wait_for(lambda: delivery_status.deliveries_for(storage, second.id) == {"webhook emergency": "delivered"},
                 timeout=10)
        assert delivery_status.deliveries_for(storage, slow.id) == {"webhook emergency": "sending"}  # still held
        receiver.release.set()
        wait_for(lambda: delivery_status.deliveries_for(storage, slow.id) == {"webhook emergency": "delivered"})
    finally:
        receiver.stop()
    assert [reference for reference, _ in receiver.arrived] == [slow.reference, second.reference]


def test_a_trickling_webhook_never_delays_the_e_mail(
    storage: Storage, save_urgent: Callable[[str], Submission], trickle_http: TrickleServer,
    make_worker: Callable[..., AlertWorker],
) -> None:
    from tests.support.receivers import MailReceiver

    mail = MailReceiver().start()
    try:
        config = AlertConfig(webhook_url=trickle_http.url, email_to=("a@clinic.example",), smtp_host="127.0.0.1",
                             smtp_port=mail.port, smtp_starttls=False, timeout_seconds=8)
        worker = make_worker(storage, config)
        worker.run_once()
        submission = save_urgent("k")
        worker.start()
        wait_for(lambda: delivery_status.deliveries_for(storage, submission.id).get("webhook emergency") == "sending")
        wait_for(lambda: len(mail.messages) == 1)
        # the e-mail went out while the webhook's send was still trickling, within its deadline
        assert delivery_status.deliveries_for(storage, submission.id)["webhook emergency"] == "sending"
        assert [e for e in storage.list_audit() if e.event == "alert_failed"] == []
    finally:
        mail.stop()


def test_a_second_worker_never_resends_while_the_first_is_within_its_deadline(
    database_url: str, save_urgent: Callable[[str], Submission], trickle_http: TrickleServer,
    make_worker: Callable[..., AlertWorker],
) -> None:
    config = AlertConfig(webhook_url=trickle_http.url, timeout_seconds=DEADLINE)
    first, second = Storage(database_url), Storage(database_url)  # two app servers, one database
    no_quick_retry = RetryPolicy(first_delay_seconds=60)
    workers = [make_worker(first, config, poll_seconds=0.05, retry=no_quick_retry),
               make_worker(second, config, poll_seconds=0.05, retry=no_quick_retry)]
    for worker in workers:
        worker.start()
    wait_for(lambda: delivery_status.enabled_channels(first) == ("webhook",))
    save_urgent("k")
    wait_for(lambda: len(events(first, "alert_failed")) == 1, timeout=DEADLINE + 8)
    assert trickle_http.accepted == 1  # both polled about 40 times meanwhile; only one sent


def test_the_lease_must_outlast_the_send_deadline(storage: Storage) -> None:
    config = AlertConfig(webhook_url="http://127.0.0.1:9/hook", timeout_seconds=10)
    with pytest.raises(ValueError, match="must outlast the send deadline"):
        AlertWorker(storage, [], config, lease_seconds=10)
    assert AlertWorker(storage, [], config).lease_seconds > config.timeout_seconds


def test_a_send_stuck_past_its_deadline_shows_the_channel_failing(
    storage: Storage, save_urgent: Callable[[str], Submission],
) -> None:
    config = AlertConfig(webhook_url="http://127.0.0.1:9/hook")
    deliveries.enable_channel(storage, "webhook")
    submission = save_urgent("k")
    deliveries.enqueue_new_urgent(storage, "webhook", since=submission.created_at)
    [claim] = deliveries.claim_due(storage, "webhook", worker="hung", lease_seconds=3600)
    [status] = channel_status(storage, config)
    assert not status.failing  # just started: within its deadline
    with storage.engine.begin() as connection:  # the send began a minute ago and never ended
        connection.execute(update(alert_deliveries).values(
            last_attempt_at=claim.submission_created_at - timedelta(minutes=1)))
    [status] = channel_status(storage, config)
    assert status.failing and "1 stuck sending past the deadline" in status.line


def test_an_ordinary_receiver_still_gets_everything_once(
    storage: Storage, save_urgent: Callable[[str], Submission], webhook: WebhookReceiver,
    make_worker: Callable[..., AlertWorker],
) -> None:
    worker = make_worker(storage, AlertConfig(webhook_url=webhook.url))
    worker.run_once()
    saved = [save_urgent(f"k{n}") for n in range(10)]  # more than the sends in flight at once
    assert worker.run_once() == 10
    assert worker.run_once() == 0
    assert sorted(json.loads(body)["reference"] for body in webhook.bodies()) == sorted(s.reference for s in saved)
