"""Device cookies (OWASP "Slow down online guessing attacks with device cookies").

A browser that signed in to an account gets a long-lived cookie naming that account, signed with
the server's secret (Streamlit's `server.cookieSecret`: the same on every app server). At the
next sign-in to that account it carries its own allowance (`access.throttle.DEVICE_LIMIT`), so a
guesser spread over many addresses, who fills the account-wide limit for browsers without one
(`ACCOUNT_WIDE_LIMIT`), does not lock the real person out of their usual computer.

The cookie holds `username|random id|issued (Unix seconds)` and an HMAC-SHA256 over it, both
base64url; nothing secret is in it, and it is useless for any other account or after
DEVICE_COOKIE_DAYS. No Streamlit here: the page and the route pass the cookie and the secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

DEVICE_COOKIE_DAYS = 180
_PREFIX = "crps_device_"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, b"crps-device-cookie\x00" + payload, hashlib.sha256).digest()


def cookie_name(username: str) -> str:
    """One cookie per account (several people may share a desk computer)."""
    return _PREFIX + hashlib.sha256(username.encode("utf-8", "replace")).hexdigest()[:16]


def issue(username: str, secret: bytes, *, now: float | None = None) -> str:
    """A new device cookie's value for `username` (empty secret: no device cookies)."""
    if not secret:
        return ""
    payload = f"{username}|{secrets.token_urlsafe(16)}|{int(now if now is not None else time.time())}".encode()
    return f"{_b64(payload)}.{_b64(_signature(secret, payload))}"


def device_id(cookie: str | None, username: str, secret: bytes, *, now: float | None = None) -> str | None:
    """The device's random id when `cookie` is a good, unexpired device cookie for `username`,
    else None (missing, forged, another account's, too old, or no secret)."""
    if not cookie or not secret or len(cookie) > 500 or "." not in cookie:
        return None
    payload_text, _, signature_text = cookie.partition(".")
    try:
        payload, signature = _unb64(payload_text), _unb64(signature_text)
    except ValueError:
        return None
    if not hmac.compare_digest(signature, _signature(secret, payload)):
        return None
    parts = payload.decode("utf-8", "replace").split("|")
    if len(parts) != 3 or parts[0] != username or not parts[2].isdigit():
        return None
    age = (now if now is not None else time.time()) - int(parts[2])
    if not 0 <= age <= DEVICE_COOKIE_DAYS * 86400:
        return None
    return parts[1]
