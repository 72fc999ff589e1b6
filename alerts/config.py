"""`AlertConfig`: where alerts go, built once from the app's settings (no Streamlit here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

WEBHOOK, EMAIL = "webhook", "email"


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential back-off between attempts, capped; give up on an alert after `give_up_after`."""

    first_delay_seconds: float = 2.0
    max_delay_seconds: float = 300.0
    give_up_after: timedelta = timedelta(hours=24)

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (1, 2, ...)."""
        return float(min(self.max_delay_seconds, self.first_delay_seconds * 2 ** max(attempt - 1, 0)))


@dataclass(frozen=True)
class AlertConfig:
    """Alert channels and their settings; a channel is on when its address is set."""

    webhook_url: str = ""
    webhook_secret: str = field(default="", repr=False)
    email_to: tuple[str, ...] = ()
    email_from: str = ""
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_starttls: bool = True  # an alert is still an alert: off only by SMTP_STARTTLS=false
    app_base_url: str = "http://localhost:8501"
    timezone: str = "UTC"
    timeout_seconds: float = 10.0
    """The whole-request deadline of one send (connect + send + answer), not a per-read
    time-out: a receiver trickling one byte every 4 s is cut off here."""

    @property
    def channels(self) -> tuple[str, ...]:
        """The channels set up: the webhook when its URL is set, e-mail when To and host are."""
        on = []
        if self.webhook_url:
            on.append(WEBHOOK)
        if self.email_to and self.smtp_host:
            on.append(EMAIL)
        return tuple(on)

    @classmethod
    def from_settings(cls, settings: Any) -> AlertConfig:
        """From the app's `Settings` (lower-case attributes named like the settings)."""
        to = getattr(settings, "alert_email_to", ())
        if isinstance(to, str):
            to = tuple(address.strip() for address in to.split(",") if address.strip())
        return cls(
            webhook_url=getattr(settings, "alert_webhook_url", "") or "",
            webhook_secret=getattr(settings, "alert_webhook_secret", "") or "",
            email_to=tuple(to or ()),
            email_from=getattr(settings, "alert_email_from", "") or "",
            smtp_host=getattr(settings, "smtp_host", "") or "",
            smtp_port=int(getattr(settings, "smtp_port", 25) or 25),
            smtp_user=getattr(settings, "smtp_user", "") or "",
            smtp_password=getattr(settings, "smtp_password", "") or "",
            smtp_starttls=bool(getattr(settings, "smtp_starttls", True)),
            app_base_url=getattr(settings, "app_base_url", "") or "http://localhost:8501",
            timezone=str(getattr(settings, "clinic_timezone", "") or "UTC"),
        )


NO_CHANNEL = ("alerts: no alert channel is set up (ALERT_WEBHOOK_URL, or ALERT_EMAIL_TO and SMTP_HOST): "
              "urgent screenings show only on the queue page")
PLAIN_EMAIL = ("alerts: SMTP_STARTTLS is off: alert e-mails go to {host} in plain text (set SMTP_STARTTLS=true "
               "unless the mail server is on this machine)")


def start_warnings(config: AlertConfig) -> list[str]:
    """The lines to log (or print) when alerting starts: no channel at all, or e-mail in plain text."""
    if not config.channels:
        return [NO_CHANNEL]
    if EMAIL in config.channels and not config.smtp_starttls:
        return [PLAIN_EMAIL.format(host=config.smtp_host)]
    return []
