"""`AlertConfig`: where alerts go, built once from the app's settings (no Streamlit here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from settings import Settings, default

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
    """Alert channels and their settings; a channel is on when its address is set. The app builds it
    with `from_settings`; one built by hand (tests, tools) gets the settings' own defaults."""

    webhook_url: str = default("ALERT_WEBHOOK_URL")
    webhook_secret: str = field(default=default("ALERT_WEBHOOK_SECRET"), repr=False)
    email_to: tuple[str, ...] = default("ALERT_EMAIL_TO")
    email_from: str = default("ALERT_EMAIL_FROM")
    smtp_host: str = default("SMTP_HOST")
    smtp_port: int = default("SMTP_PORT")
    smtp_user: str = default("SMTP_USER")
    smtp_password: str = field(default=default("SMTP_PASSWORD"), repr=False)
    smtp_starttls: bool = default("SMTP_STARTTLS")  # an alert is still an alert: off only by SMTP_STARTTLS=false
    app_base_url: str = default("APP_BASE_URL")
    timezone: str = str(default("CLINIC_TIMEZONE"))
    timeout_seconds: float = 10.0
    """The whole-request deadline of one send (connect + send + answer), not a per-read
    time-out: a receiver trickling one byte every 4 s is cut off here (issue 20 item 6)."""

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
    def from_settings(cls, settings: Settings) -> AlertConfig:
        """From the app's checked settings (their defaults are settings.py's; none here)."""
        return cls(
            webhook_url=settings.alert_webhook_url,
            webhook_secret=settings.alert_webhook_secret,
            email_to=settings.alert_email_to,
            email_from=settings.alert_email_from,
            smtp_host=settings.smtp_host,
            smtp_port=settings.smtp_port,
            smtp_user=settings.smtp_user,
            smtp_password=settings.smtp_password,
            smtp_starttls=settings.smtp_starttls,
            app_base_url=settings.app_base_url,
            timezone=str(settings.clinic_timezone),
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
