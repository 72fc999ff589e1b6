"""`python -m alerts run`: the alert worker as its own process (for a site that wants alerts
even while no browser has opened the app since a restart; the app's own worker and this one
share the database and never send an alert twice). Stops cleanly on Ctrl-C or SIGTERM.

    python -m alerts run [--once]      --once: one pass over every channel, then exit
    python -m alerts status            each set-up channel, working or failing (exit 1 if any fails)

Settings are read and checked first: a bad one is one line and exit status 2.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from alerts.channels import build_channels
from alerts.config import AlertConfig, start_warnings
from alerts.status import channel_status
from alerts.worker import AlertWorker
from settings import settings_or_exit
from storage import MigrationError, SaveFailed, Storage


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m alerts")
    verbs = parser.add_subparsers(dest="verb", required=True)
    run = verbs.add_parser("run", help="send alerts until stopped")
    run.add_argument("--once", action="store_true", help="one pass over every channel, then exit")
    verbs.add_parser("status", help="say whether each alert channel works")
    args = parser.parse_args(argv)
    settings = settings_or_exit(args.verb)
    config = AlertConfig.from_settings(settings)
    try:
        storage = Storage(settings.database_url, migrate=settings.auto_migrate)
    except (MigrationError, SaveFailed) as exc:
        print(f"{args.verb}: {exc}", file=sys.stderr)
        return 2
    if args.verb == "status":
        lines = channel_status(storage, config)
        for line in lines:
            print(line.line)
        if not lines:
            print("no alert channel is set up (ALERT_WEBHOOK_URL, or ALERT_EMAIL_TO and SMTP_HOST)")
        return 1 if any(line.failing for line in lines) else 0
    if not config.channels:
        print("run: no alert channel is set up (ALERT_WEBHOOK_URL, or ALERT_EMAIL_TO and SMTP_HOST)", file=sys.stderr)
        return 2
    for warning in start_warnings(config):  # e-mail in plain text (SMTP_STARTTLS=false)
        print(f"run: warning: {warning}", file=sys.stderr, flush=True)
    worker = AlertWorker(storage, build_channels(config), config)
    if args.once:
        print(f"run: {worker.run_once()} alerts delivered", file=sys.stderr)
        return 0
    stopped = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    worker.start()
    print(f"run: sending alerts on {', '.join(config.channels)} (worker {worker.name})", file=sys.stderr, flush=True)
    stopped.wait()
    worker.stop()
    print("run: stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
