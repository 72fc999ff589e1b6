"""Alerts: red flag saved -> webhook received and -> e-mail received; 20 tablets at once.

Targets: saved -> received p95 <= 5 s on each channel; 20 tablets raising
urgents at once: every alert delivered exactly once, none lost; the tablets' save step p95
with the alert worker running / without it <= 1.2. Real receivers on loopback (an HTTP server
and aiosmtpd), the worker as the app runs it (1 s polling), SQLite in a temp folder.
With a webhook receiver that trickles one byte every 4 s, each webhook attempt
ends by the 10 s deadline and the e-mail alerts still arrive on time (the baseline: the same
e-mails with the webhook receiver answering at once).
"""

from __future__ import annotations

import json
import random
import re
import statistics
import tempfile
import threading
import time
from pathlib import Path

from alerts import AlertConfig, AlertMessage, AlertWorker, Channel, build_channels
from scoring import ScreeningResult, load_questionnaire, score
from storage import Storage
from tests.support.answers import with_categories
from tests.support.receivers import MailReceiver, TrickleServer, WebhookReceiver, wait_for

LATENCY_ALERTS, TABLETS, ROUNDS, SLOW_ALERTS = 30, 20, 16, 8
SUBJECT_REFERENCE = re.compile(r"\(screening ([^)]+)\)$")


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def urgent() -> ScreeningResult:
    questionnaire = load_questionnaire("questionnaires/crps.yaml")
    return score(questionnaire, with_categories("sensory", stroke_signs_last_hours="yes"), "en")


def config(webhook: WebhookReceiver | TrickleServer, mail: MailReceiver) -> AlertConfig:
    return AlertConfig(webhook_url=webhook.url, webhook_secret="bench", email_to=("oncall@clinic.example",),
                       email_from="screen@clinic.example", smtp_host="127.0.0.1", smtp_port=mail.port,
                       smtp_starttls=False)  # the loopback test server speaks plain SMTP


def received(webhook: WebhookReceiver, mail: MailReceiver) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """{reference: [arrival times]} per channel (a list, so a duplicate would show)."""
    hooks: dict[str, list[float]] = {}
    for _, body, at in list(webhook.requests):
        hooks.setdefault(json.loads(body)["reference"], []).append(at)
    mails: dict[str, list[float]] = {}
    for message, at in list(mail.messages):
        found = SUBJECT_REFERENCE.search(str(message["Subject"]))
        assert found is not None, message["Subject"]
        mails.setdefault(found.group(1), []).append(at)
    return hooks, mails


def latency(folder: Path, result: ScreeningResult) -> None:
    webhook, mail = WebhookReceiver().start(), MailReceiver().start()
    storage = Storage(f"sqlite:///{folder / 'latency.db'}")
    settings = config(webhook, mail)
    worker = AlertWorker(storage, build_channels(settings), settings)  # 1 s polling, as in the app
    worker.start()
    rng = random.Random(9)
    saved: dict[str, float] = {}
    try:
        for n in range(LATENCY_ALERTS):
            time.sleep(rng.uniform(0, 0.5))  # patients arrive at any point of the polling cycle
            started = time.perf_counter()
            submission = storage.save_submission(  # the tablet's save at the red-flag answer
                idempotency_key=f"latency-{n}", result=result, language="en", complete=False, tablet="front-1",
                red_flag_level="emergency",
            )
            saved[submission.reference] = started
        wait_for(lambda: all(len(got) == LATENCY_ALERTS for got in received(webhook, mail)), timeout=60)
    finally:
        worker.stop()
        webhook.stop()
        mail.stop()
    hooks, mails = received(webhook, mail)
    for name, got in (("webhook", hooks), ("e-mail", mails)):
        delays = [got[reference][0] - at for reference, at in saved.items()]
        print(f"red flag saved -> {name} received: p50 {statistics.median(delays):.2f} s, "
              f"p95 {p95(delays):.2f} s, max {max(delays):.2f} s ({LATENCY_ALERTS} alerts; target p95 <= 5 s)")


def tablets_at_once(storage: Storage, result: ScreeningResult, round_number: int, label: str) -> list[float]:
    """20 threads released together, each saving one urgent; returns each save's seconds."""
    times: list[float] = []
    failures: list[BaseException] = []
    gate = threading.Barrier(TABLETS)

    def tablet(number: int) -> None:
        gate.wait()
        started = time.perf_counter()
        try:
            storage.save_submission(idempotency_key=f"{label}-{round_number}-{number}", result=result, language="en",
                                    complete=False, tablet=f"tablet-{number}", red_flag_level="emergency")
        except BaseException as exc:
            failures.append(exc)
        times.append(time.perf_counter() - started)

    threads = [threading.Thread(target=tablet, args=(n,)) for n in range(TABLETS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    return times


def concurrency(folder: Path, result: ScreeningResult) -> None:
    """One database, two app servers; rounds alternate between both servers' workers running
    and no worker at all (the baseline: the same saves minus what alerting adds)."""
    webhook, mail = WebhookReceiver().start(), MailReceiver().start()
    url = f"sqlite:///{folder / 'tablets.db'}"
    servers = [Storage(url), Storage(url)]
    settings = config(webhook, mail)
    times: dict[bool, list[float]] = {True: [], False: []}
    workers: list[AlertWorker] = []

    def start_workers() -> None:
        workers[:] = [AlertWorker(server, build_channels(settings), settings) for server in servers]
        for worker in workers:
            worker.start()

    def stop_workers() -> None:
        for worker in workers:
            worker.stop()

    try:
        for round_number in range(ROUNDS):
            alerting = round_number % 2 == 0
            if alerting:
                start_workers()  # they first send what was raised while none ran; then the burst
                backlog = TABLETS * round_number
                wait_for(lambda: all(len(got) == backlog for got in received(webhook, mail)), timeout=60)  # noqa: B023
            server = servers[(round_number // 2) % 2]  # each server saves in both kinds of round
            times[alerting] += tablets_at_once(server, result, round_number, "tablet")
            if alerting:
                stop_workers()
            else:
                time.sleep(1.5)
        start_workers()  # the alerts raised while no worker ran go out now, once
        expected = TABLETS * ROUNDS
        wait_for(lambda: all(len(got) == expected for got in received(webhook, mail)), timeout=120)
        time.sleep(3)  # three more polls by both workers: any duplicate would arrive now
    finally:
        stop_workers()
        webhook.stop()
        mail.stop()
    hooks, mails = received(webhook, mail)
    for name, got in (("webhook", hooks), ("e-mail", mails)):
        sent = sum(len(arrivals) for arrivals in got.values())
        print(f"{TABLETS} tablets at once × {ROUNDS} rounds, two servers, workers restarted each round: {name} "
              f"{len(got)} of {expected} alerts, lost {expected - len(got)}, duplicated {sent - len(got)}")
    ratio = p95(times[True]) / p95(times[False])
    print(f"save step p95: with both workers running {p95(times[True]) * 1000:.0f} ms, with none "
          f"{p95(times[False]) * 1000:.0f} ms (baseline, same database and process); ratio {ratio:.2f} "
          f"(target <= 1.2; {len(times[True])} saves each)")


class Timed:
    """A channel that notes how long each send held its sending thread."""

    def __init__(self, inner: Channel) -> None:
        self.inner, self.name = inner, inner.name
        self.held: list[float] = []

    def send(self, message: AlertMessage) -> None:
        started = time.perf_counter()
        try:
            self.inner.send(message)
        finally:
            self.held.append(time.perf_counter() - started)


def slow_webhook(folder: Path, result: ScreeningResult) -> None:
    """E-mail latency beside a webhook receiver trickling one byte every 4 s, against the same
    e-mails beside a webhook receiver that answers at once (the baseline, same process); and how
    long each trickled webhook attempt held its sending thread (target: <= the 10 s deadline)."""
    delays: dict[str, list[float]] = {}
    held: list[float] = []
    for label, slow in (("answering", False), ("trickling", True)):
        webhook: WebhookReceiver | TrickleServer = (TrickleServer.http(every=4.0) if slow
                                                    else WebhookReceiver()).start()
        mail = MailReceiver().start()
        storage = Storage(f"sqlite:///{folder / f'slow-{label}.db'}")
        settings = config(webhook, mail)
        channels = [Timed(channel) for channel in build_channels(settings)]
        worker = AlertWorker(storage, channels, settings)
        worker.start()
        saved: dict[str, float] = {}
        try:
            for n in range(SLOW_ALERTS):
                time.sleep(0.5)
                started = time.perf_counter()
                submission = storage.save_submission(idempotency_key=f"slow-{n}", result=result, language="en",
                                                     complete=False, tablet="front-1", red_flag_level="emergency")
                saved[submission.reference] = started
            wait_for(lambda: len(mail.messages) == SLOW_ALERTS, timeout=60)  # noqa: B023
            if slow:  # let the first webhook attempts end: at the deadline, never later
                wait_for(lambda: len(channels[0].held) >= SLOW_ALERTS, timeout=60)  # noqa: B023
                held = list(channels[0].held)
        finally:
            worker.stop()
            webhook.stop()
            mail.stop()
        mails: dict[str, float] = {}
        for message, at in mail.messages:
            found = SUBJECT_REFERENCE.search(str(message["Subject"]))
            assert found is not None
            mails.setdefault(found.group(1), at)
        delays[label] = [mails[reference] - at for reference, at in saved.items()]
    slow_p95, base_p95 = p95(delays["trickling"]), p95(delays["answering"])
    print(f"e-mail saved -> received beside a webhook trickling 1 byte / 4 s: p95 {slow_p95:.2f} s; beside one "
          f"answering at once {base_p95:.2f} s (baseline); ratio {slow_p95 / base_p95:.2f} ({SLOW_ALERTS} alerts each)")
    print(f"trickled webhook attempts: {len(held)}, each held its sending thread {min(held):.1f}-{max(held):.1f} s "
          f"(deadline 10 s; 1.1: 152 s for one)")


def main() -> None:
    result = urgent()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        latency(folder, result)
        concurrency(folder, result)
        slow_webhook(folder, result)


if __name__ == "__main__":
    main()
