"""Start the alert worker once per server process, next to the shared database engine.

Streamlit runs app.py once per session and rerun; `st.cache_resource` makes the worker a
process-wide singleton keyed by database URL and alert settings, so a change of settings (or
a cleared cache) stops the old worker and starts one new one. No session data goes in: the
worker reads urgent screenings from the database, never from a page run.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import astuple

import streamlit as st

from alerts import AlertConfig, AlertWorker, ChannelStatus, build_channels, channel_status
from alerts.config import start_warnings
from ui import resources

log = logging.getLogger("crps.alerts")


def alert_config() -> AlertConfig:
    """The alert settings (each channel is off until its address is set)."""
    return AlertConfig.from_settings(resources.settings())


def _stop(worker: AlertWorker | None) -> None:
    if worker is not None:
        worker.stop()


@st.cache_resource(show_spinner=False, max_entries=1, on_release=_stop)  # one worker per process
def _worker(url: str, config_key: str, _config: AlertConfig) -> AlertWorker | None:
    for line in start_warnings(_config):  # no channel at all; e-mail in plain text
        log.warning(line)
    if not _config.channels:
        return None
    try:
        channels = build_channels(_config)
    except ValueError as exc:  # one line naming the setting; the queue page shows the channel failing
        log.error("alerts: %s", exc)
        return None
    worker = AlertWorker(resources.storage(), channels, _config)
    worker.start()
    log.info("alerts: worker %s sending on %s", worker.name, ", ".join(_config.channels))
    return worker


def start() -> AlertWorker | None:
    """Make sure this process runs the alert worker (cheap on every rerun after the first)."""
    config = alert_config()
    key = hashlib.sha256(repr(astuple(config)).encode("utf-8")).hexdigest()
    return _worker(resources.storage().url, key, config)


def status() -> list[ChannelStatus]:
    """Each set-up channel, working or failing, for a line on the queue page."""
    return channel_status(resources.storage(), alert_config())


NO_CHANNEL_BANNER = (
    "Alerts are off: no webhook or e-mail is set up, so urgent screenings show only on the queue page. "
    "Keep it open; an administrator sets ALERT_WEBHOOK_URL or ALERT_EMAIL_TO."
)


def show_no_channel_banner() -> None:
    """On every staff page (the page header calls it): a red banner while no alert channel is set
    up at all, so nobody believes someone away from the queue will be told."""
    if not alert_config().channels:
        st.error(NO_CHANNEL_BANNER, icon=":material/notifications_off:")


def show_status() -> None:
    """For the queue page: a warning line per failing channel (no channel at all is the header's
    banner, on every staff page)."""
    for channel in status():
        if channel.failing:
            st.warning(channel.line, icon=":material/notifications_off:")
