"""The two ways out: a signed JSON POST (http.client) and an e-mail (smtplib), standard library only.

Each `send` either returns (the receiver accepted the alert) or raises `DeliveryError` with one
short line (status code or error kind: never the message itself), which goes into the audit log.

Every send has a whole-request deadline (`AlertConfig.timeout_seconds`, 10 s): connect, send and
the receiver's answer together. The standard library's time-outs are per read, so a receiver
sending one byte every 4 s kept a send going for 152 s; here a watchdog shuts the socket down at
the deadline, which ends any read or write in progress (hazard H59).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from types import TracebackType
from typing import Protocol
from urllib.parse import urlsplit

from alerts.config import EMAIL, WEBHOOK, AlertConfig
from alerts.message import AlertMessage

SIGNATURE_HEADER = "X-Signature-256"
TIMESTAMP_HEADER = "X-Signature-Timestamp"


class DeliveryError(RuntimeError):
    """An attempt failed; the message is one line without any alert content."""


class Channel(Protocol):
    name: str

    def send(self, message: AlertMessage) -> None: ...


def signature(secret: str, body: bytes, timestamp: str) -> str:
    """`sha256=<hex>`: HMAC-SHA256 of `timestamp.body` (the Unix time in seconds, a dot, the exact
    body) with the shared secret, so a receiver can refuse a replayed old POST (Stripe's scheme)."""
    signed = timestamp.encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


class Deadline:
    """`with Deadline(seconds, lambda: current_socket) as deadline:` shuts the socket the callable
    returns down when the time is up (the callable is asked then, so a socket replaced by TLS is
    the one shut). `deadline.remaining()` is the time left, for connect time-outs."""

    def __init__(self, seconds: float, current_socket: Callable[[], socket.socket | None]) -> None:
        self.seconds = seconds
        self._socket = current_socket
        self._ends = time.monotonic() + seconds
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self.expired = False

    def remaining(self) -> float:
        return max(0.01, self._ends - time.monotonic())

    def _expire(self) -> None:
        self.expired = True
        sock = self._socket()
        if sock is not None:
            with contextlib.suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked recv/send in the sending thread

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._timer.cancel()

    def error(self, what: str, exc: BaseException) -> DeliveryError:
        if self.expired or isinstance(exc, TimeoutError):
            return DeliveryError(f"{what}: no complete answer within {self.seconds:g} s (deadline)")
        return DeliveryError(f"{what}: {type(exc).__name__}")


class WebhookChannel:
    name = WEBHOOK

    def __init__(self, url: str, *, secret: str = "", timeout_seconds: float = 10.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("ALERT_WEBHOOK_URL: must start with http:// or https://")
        self.url = url
        self.secret = secret
        self.timeout_seconds = timeout_seconds
        self._https = parts.scheme == "https"
        self._host, self._port = parts.hostname, parts.port
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def send(self, message: AlertMessage) -> None:
        body = message.json_body()
        headers = {"Content-Type": "application/json", "User-Agent": "crps-screen-alerts/1.2"}
        if self.secret:
            timestamp = str(int(time.time()))
            headers[TIMESTAMP_HEADER] = timestamp
            headers[SIGNATURE_HEADER] = signature(self.secret, body, timestamp)
        connection: http.client.HTTPConnection
        if self._https:
            connection = http.client.HTTPSConnection(self._host, self._port, timeout=self.timeout_seconds,
                                                     context=ssl.create_default_context())
        else:
            connection = http.client.HTTPConnection(self._host, self._port, timeout=self.timeout_seconds)
        with Deadline(self.timeout_seconds, lambda: connection.sock) as deadline:
            try:
                connection.timeout = deadline.remaining()
                connection.request("POST", self._path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()  # the whole answer, within the deadline; redirects are not followed
                status = response.status
            except (http.client.HTTPException, OSError) as exc:
                raise deadline.error("cannot reach the webhook", exc) from None
            finally:
                connection.close()
        if not 200 <= status < 300:
            raise DeliveryError(f"HTTP {status}")  # a redirected alert is a failed alert


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
        smtp = smtplib.SMTP(timeout=config.timeout_seconds)
        with Deadline(config.timeout_seconds, lambda: getattr(smtp, "sock", None)) as deadline:
            try:
                smtp.timeout = deadline.remaining()
                smtp.connect(config.smtp_host, config.smtp_port)
                smtp.ehlo_or_helo_if_needed()
                if config.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if config.smtp_user:
                    smtp.login(config.smtp_user, config.smtp_password)
                smtp.send_message(email)
            except smtplib.SMTPResponseException as exc:
                raise DeliveryError(f"SMTP {exc.smtp_code}") from None
            except (smtplib.SMTPException, OSError) as exc:
                raise deadline.error("cannot send e-mail", exc) from None
            finally:
                with contextlib.suppress(smtplib.SMTPException, OSError):  # QUIT is only politeness
                    smtp.quit()
                smtp.close()


def build_channels(config: AlertConfig) -> list[Channel]:
    """The channels `config` sets up, in a fixed order (webhook, then e-mail)."""
    channels: list[Channel] = []
    if WEBHOOK in config.channels:
        channels.append(WebhookChannel(config.webhook_url, secret=config.webhook_secret,
                                       timeout_seconds=config.timeout_seconds))
    if EMAIL in config.channels:
        channels.append(EmailChannel(config))
    return channels
