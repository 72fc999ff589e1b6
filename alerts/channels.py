"""The two ways out: a signed JSON POST (urllib) and an e-mail (smtplib), standard library only.

Each `send` either returns (the receiver accepted the alert) or raises `DeliveryError` with one
short line (status code or error kind: never the message itself), which goes into the audit log.
"""

from __future__ import annotations

import hashlib
import hmac
import smtplib
import ssl
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

from alerts.config import EMAIL, WEBHOOK, AlertConfig
from alerts.message import AlertMessage

SIGNATURE_HEADER = "X-Signature-256"


class DeliveryError(RuntimeError):
    """An attempt failed; the message is one line without any alert content."""


class Channel(Protocol):
    name: str

    def send(self, message: AlertMessage) -> None: ...


def signature(secret: str, body: bytes) -> str:
    """`sha256=<hex>`: HMAC-SHA256 of the exact body with the shared secret (GitHub's scheme)."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirected alert is a failed alert: never re-POST somewhere else


class WebhookChannel:
    name = WEBHOOK

    def __init__(self, url: str, *, secret: str = "", timeout_seconds: float = 5.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError("ALERT_WEBHOOK_URL: must start with http:// or https://")
        self.url = url
        self.secret = secret
        self.timeout_seconds = timeout_seconds
        self._opener = urllib.request.build_opener(_NoRedirects())

    def send(self, message: AlertMessage) -> None:
        body = message.json_body()
        headers = {"Content-Type": "application/json", "User-Agent": "crps-screen-alerts/1.1"}
        if self.secret:
            headers[SIGNATURE_HEADER] = signature(self.secret, body)
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with self._opener.open(request, timeout=self.timeout_seconds) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DeliveryError(f"cannot reach the webhook: {type(reason).__name__}") from None
        if not 200 <= status < 300:
            raise DeliveryError(f"HTTP {status}")


class EmailChannel:
    name = EMAIL

    def __init__(self, config: AlertConfig) -> None:
        self.config = config

    def send(self, message: AlertMessage) -> None:
        config = self.config
        email = EmailMessage()
        email["Subject"] = message.headline
        email["From"] = config.email_from or "crps-screen@localhost"
        email["To"] = ", ".join(config.email_to)
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = make_msgid(idstring=message.alert_id.replace(":", "-"))
        email["X-Alert-Id"] = message.alert_id
        email.set_content(message.text + "\n")
        try:
            with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=config.timeout_seconds) as smtp:
                if config.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if config.smtp_user:
                    smtp.login(config.smtp_user, config.smtp_password)
                smtp.send_message(email)
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(f"SMTP {exc.smtp_code}") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"cannot send e-mail: {type(exc).__name__}") from None


def build_channels(config: AlertConfig) -> list[Channel]:
    """The channels `config` sets up, in a fixed order (webhook, then e-mail)."""
    channels: list[Channel] = []
    if WEBHOOK in config.channels:
        channels.append(WebhookChannel(config.webhook_url, secret=config.webhook_secret,
                                       timeout_seconds=config.timeout_seconds))
    if EMAIL in config.channels:
        channels.append(EmailChannel(config))
    return channels
