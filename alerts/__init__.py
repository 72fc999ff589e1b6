"""Alerts: tell staff away from the queue about each new urgent screening.

A background `AlertWorker` reads urgent screenings from the database (via `storage.deliveries`)
and sends each one once per channel: a signed JSON webhook and/or an e-mail, each send within a
10 s deadline. Messages say how soon ("go to the patient now" or "today"), the reference,
tablet, time and a link; never the red flag, its level, answers or notes. This package never
imports Streamlit; `ui.alerting` starts the worker once per server process.
"""

from alerts.channels import Channel, DeliveryError, EmailChannel, WebhookChannel, build_channels, signature
from alerts.config import EMAIL, WEBHOOK, AlertConfig, RetryPolicy
from alerts.message import SCREENING_PATH, AlertMessage
from alerts.status import ChannelStatus, channel_status
from alerts.worker import MAX_AGE, AlertWorker

__all__ = [
    "EMAIL",
    "MAX_AGE",
    "SCREENING_PATH",
    "WEBHOOK",
    "AlertConfig",
    "AlertMessage",
    "AlertWorker",
    "Channel",
    "ChannelStatus",
    "DeliveryError",
    "EmailChannel",
    "RetryPolicy",
    "WebhookChannel",
    "build_channels",
    "channel_status",
    "signature",
]
