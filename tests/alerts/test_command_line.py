"""`python -m alerts run` / `status`: the worker as its own process, stopped cleanly by SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from storage import Submission
from tests.support.receivers import WebhookReceiver, wait_for

REPO = Path(__file__).resolve().parents[2]


def environment(database_url: str, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALERT_", "SMTP_"))}
    return {**env, "DATABASE_URL": database_url, **settings}


def test_run_sends_until_sigterm_then_status_says_working(
    database_url: str, webhook: WebhookReceiver, save_urgent: Callable[[str], Submission],
) -> None:
    env = environment(database_url, ALERT_WEBHOOK_URL=webhook.url)
    worker = subprocess.Popen([sys.executable, "-m", "alerts", "run"], cwd=REPO, env=env,
                              stderr=subprocess.PIPE, text=True)
    try:
        assert worker.stderr is not None
        assert worker.stderr.readline().startswith("run: sending alerts on webhook")
        submission = save_urgent("k")
        wait_for(lambda: len(webhook.requests) == 1)
        assert submission.reference.encode() in webhook.requests[0][1]
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=15) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    status = subprocess.run([sys.executable, "-m", "alerts", "status"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=60)
    assert (status.returncode, status.stdout) == (0, "Webhook alerts working.\n")


def test_run_without_a_channel_is_one_line_and_exit_2(database_url: str) -> None:
    done = subprocess.run([sys.executable, "-m", "alerts", "run"], cwd=REPO, env=environment(database_url),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr == "run: no alert channel is set up (ALERT_WEBHOOK_URL, or ALERT_EMAIL_TO and SMTP_HOST)\n"


def test_bad_setting_is_one_line_and_exit_2(database_url: str) -> None:
    done = subprocess.run([sys.executable, "-m", "alerts", "status"], cwd=REPO,
                          env=environment(database_url, SMTP_PORT="abc"), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1 and "SMTP_PORT" in done.stderr


def test_run_warns_in_one_line_when_e_mail_goes_in_plain_text(database_url: str) -> None:
    from tests.support.receivers import free_port

    env = environment(database_url, ALERT_EMAIL_TO="a@clinic.example", SMTP_HOST="127.0.0.1",
                      SMTP_PORT=str(free_port()), SMTP_STARTTLS="false")
    done = subprocess.run([sys.executable, "-m", "alerts", "run", "--once"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stderr.splitlines()[0].startswith("run: warning: alerts: SMTP_STARTTLS is off")
