"""Every setting the app and the command lines read, parsed and checked once (no Streamlit here).

Each value comes from the environment, else `.streamlit/secrets.toml` (same name, top level),
else its default. A bad value raises `SettingsError`, whose message is one line naming the
setting, the value and what is allowed; secrets are never echoed ("(hidden)").

    settings = load_settings()            # the app (ui.resources caches it)
    settings = settings_or_exit("report")  # a command line: prints the one line, exits 2
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

REPO = Path(__file__).resolve().parent
SECRETS_PATH = REPO / ".streamlit" / "secrets.toml"
DEFAULT_DATABASE_URL = f"sqlite:///{REPO / 'data' / 'screening.db'}"
_EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")
TRUE_WORDS = frozenset({"true", "1", "yes"})
FALSE_WORDS = frozenset({"false", "0", "no"})


class SettingsError(ValueError):
    """A setting has a value that is not allowed; str() is one line naming it."""


@dataclass(frozen=True)
class Settings:
    """The app's settings, typed and checked. Build with `load_settings()`."""

    database_url: str
    questionnaire: Path
    auto_migrate: bool
    clinic_name: str
    clinic_address: str
    clinic_timezone: ZoneInfo
    idle_timeout_seconds: float
    idle_warning_seconds: float
    show_outcome_to_patient: bool
    """Default true (decided): the patient sees the suggested outcome on the thank-you
    screen, always worded as a suggestion with "This is not a diagnosis". They answered for
    themselves and staff see the same words; 1.2 rewrote "no referral" so a patient already in a
    pain clinic is not told to stop seeing their specialist. An urgent result never shows the
    tier (the urgent screen wins). A clinic that gives every outcome in person sets it false."""
    tap_guard_seconds: float
    staff_idle_minutes: float
    staff_emails: tuple[str, ...]
    admin_emails: tuple[str, ...]
    trusted_proxies: tuple[str, ...]
    app_base_url: str
    fhir_base_url: str
    export_max_rows: int
    alert_webhook_url: str
    alert_webhook_secret: str = field(repr=False)
    alert_email_to: tuple[str, ...]
    alert_email_from: str
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str = field(repr=False)
    smtp_starttls: bool
    read_aloud: bool
    speech_cache_dir: Path
    backup_dir: Path
    backup_key: str = field(repr=False)
    backup_keep_daily: int
    backup_keep_weekly: int
    backup_pg_kb_per_second: int
    retention_period: str
    tablet_shows_initial: bool = False
    hand_off_minutes: int = 30


# -- parsers: take the raw text, return the typed value or raise ValueError("what is allowed") --


def _text(raw: str) -> str:
    return raw.strip()


def _bool(raw: str) -> bool:
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("is not true or false (true/false, 1/0, yes/no)")


def _number(low: float, high: float, unit: str) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        try:
            value = float(raw.strip())
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and low <= value <= high):
            raise ValueError(f"is not a number of {unit} ({low:g}-{high:g})")
        return value

    return parse


def _whole(low: int, high: int, what: str) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        text = raw.strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 9 and low <= int(text) <= high):
            raise ValueError(f"is not {what} ({low}-{high})")
        return int(text)

    return parse


def _database_url(raw: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        backend = make_url(raw.strip()).get_backend_name()
    except ArgumentError:
        raise ValueError("is not a database URL (e.g. sqlite:///data/screening.db, "
                         "postgresql+psycopg://user@host/db)") from None
    if backend not in ("sqlite", "postgresql"):  # storage.engine.SUPPORTED_ENGINES
        raise ValueError("is not a supported database: use SQLite (sqlite:///FILE) or PostgreSQL "
                         "(postgresql+psycopg://USER@HOST/DB)")
    return raw.strip()


def _questionnaire(raw: str) -> Path:
    path = Path(raw.strip())
    if not path.is_absolute() and not path.exists() and (REPO / path).exists():
        path = REPO / path
    if not path.is_file():
        raise ValueError("is not a questionnaire file that exists (a .yaml path)")
    return path.resolve()


def server_timezone_name() -> str:
    """The server's own time zone (the default CLINIC_TIMEZONE), by `tzlocal`; UTC when the
    server's zone has no IANA name."""
    import tzlocal

    try:
        return tzlocal.get_localzone_name() or "UTC"
    except (ZoneInfoNotFoundError, ValueError, LookupError):
        return "UTC"


def timezone_is_the_servers(environ: Mapping[str, str] | None = None, secrets_path: Path = SECRETS_PATH) -> bool:
    """True when CLINIC_TIMEZONE is not set, so the clinic's clock is the server's zone (said at
    start and on the staff pages: a server kept on UTC would put the evening in tomorrow)."""
    environ = os.environ if environ is None else environ
    return not (environ.get("CLINIC_TIMEZONE") or _secret_text(read_secrets(secrets_path).get("CLINIC_TIMEZONE")))


def _timezone(raw: str) -> ZoneInfo:
    try:
        return ZoneInfo(raw.strip() or server_timezone_name())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("is not an IANA time zone name (e.g. America/Chicago, UTC)") from None


def _url(*, empty: bool) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        text = raw.strip()
        if not text and empty:
            return ""
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in text):
            raise ValueError("is not an http(s) URL" + (" or empty" if empty else ""))
        return text.rstrip("/")

    return parse


def _emails(raw: str) -> tuple[str, ...]:
    found = tuple(part.strip().lower() for part in raw.split(",") if part.strip())
    if any(not _EMAIL.fullmatch(address) for address in found):
        raise ValueError("is not a comma-separated list of e-mail addresses")
    return found


def _email(raw: str) -> str:
    text = raw.strip()
    if text and not _EMAIL.fullmatch(text):
        raise ValueError("is not one e-mail address (or empty)")
    return text


def _proxies(raw: str) -> tuple[str, ...]:
    found = tuple(part.strip() for part in raw.split(",") if part.strip())
    for part in found:
        try:
            ipaddress.ip_network(part, strict=False)
        except ValueError:
            raise ValueError("is not a comma-separated list of IP addresses (or networks like 10.0.0.0/8)") from None
    return found


def _host(raw: str) -> str:
    text = raw.strip()
    if text and not re.fullmatch(r"[A-Za-z0-9.\-:\[\]]{1,253}", text):
        raise ValueError("is not a host name or IP address (or empty)")
    return text


def _folder(raw: str) -> Path:
    text = raw.strip()
    if not text or "\x00" in text:
        raise ValueError("is not a folder path")
    path = Path(text).expanduser()
    return (path if path.is_absolute() else REPO / path).resolve()


def _backup_key(raw: str) -> str:
    """Empty (backups unencrypted) or 32 random bytes in base64 (`openssl rand -base64 32`)."""
    import base64
    import binascii

    text = raw.strip()
    if not text:
        return ""
    try:
        key = base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise ValueError("is not 32 bytes in base64 (make one with: openssl rand -base64 32), or empty")
    return text


_PERIOD = re.compile(r"(\d{1,4})\s*([ymd])")
_PERIOD_DAYS = {"y": 365, "m": 30, "d": 1}


def retention_days(period: str) -> int:
    """About how many days a period like "7y", "84m" or "2557d" is (for comparing two)."""
    found = _PERIOD.fullmatch(period.strip().lower())
    if found is None:
        raise ValueError("is not a period like 7y, 84m or 2557d (years, months, days)")
    return int(found[1]) * _PERIOD_DAYS[found[2]]


def _retention_period(raw: str) -> str:
    text = raw.strip().lower()
    if retention_days(text) < 365:
        raise ValueError("is shorter than a year (records are kept at least a year)")
    return text


@dataclass(frozen=True)
class Spec:
    name: str
    default: str
    parse: Callable[[str], Any]
    secret: bool = False

    @property
    def field(self) -> str:
        return self.name.lower()


SPECS: tuple[Spec, ...] = (
    Spec("DATABASE_URL", DEFAULT_DATABASE_URL, _database_url),
    Spec("QUESTIONNAIRE", "questionnaires/crps.yaml", _questionnaire),
    Spec("AUTO_MIGRATE", "true", _bool),
    Spec("CLINIC_NAME", "", _text),
    Spec("CLINIC_ADDRESS", "", _text),
    Spec("CLINIC_TIMEZONE", "", _timezone),  # empty: the server's zone (no silent UTC)
    Spec("IDLE_TIMEOUT_SECONDS", "180", _number(5, 3600, "seconds")),
    Spec("IDLE_WARNING_SECONDS", "30", _number(1, 600, "seconds")),
    Spec("SHOW_OUTCOME_TO_PATIENT", "true", _bool),
    Spec("TAP_GUARD_SECONDS", "0.5", _number(0, 60, "seconds")),
    Spec("STAFF_IDLE_MINUTES", "15", _number(0.1, 480, "minutes")),
    Spec("STAFF_EMAILS", "", _emails),
    Spec("ADMIN_EMAILS", "", _emails),
    Spec("TRUSTED_PROXIES", "", _proxies),
    Spec("APP_BASE_URL", "http://localhost:8501", _url(empty=False)),
    Spec("FHIR_BASE_URL", "", _url(empty=True)),
    Spec("EXPORT_MAX_ROWS", "50000", _whole(1, 10_000_000, "a whole number of rows")),
    Spec("ALERT_WEBHOOK_URL", "", _url(empty=True), secret=True),  # chat webhooks carry a token
    Spec("ALERT_WEBHOOK_SECRET", "", _text, secret=True),
    Spec("ALERT_EMAIL_TO", "", _emails),
    Spec("ALERT_EMAIL_FROM", "", _email),
    Spec("SMTP_HOST", "", _host),
    Spec("SMTP_PORT", "25", _whole(1, 65535, "a port number")),
    Spec("SMTP_USER", "", _text),
    Spec("SMTP_PASSWORD", "", _text, secret=True),
    Spec("SMTP_STARTTLS", "true", _bool),  # off only by this setting: alerts.config warns at start
    Spec("READ_ALOUD", "false", _bool),
    Spec("SPEECH_CACHE_DIR", "data/speech", _folder),
    Spec("BACKUP_DIR", "backups", _folder),
    Spec("BACKUP_KEY", "", _backup_key, secret=True),
    Spec("BACKUP_KEEP_DAILY", "14", _whole(1, 3650, "a whole number of daily copies")),
    Spec("BACKUP_KEEP_WEEKLY", "8", _whole(0, 520, "a whole number of weekly copies")),
    # PostgreSQL dumps are written at most this fast (0: no cap), so saves keep their speed meanwhile.
    Spec("BACKUP_PG_KB_PER_SECOND", "1024", _whole(0, 10_000_000, "a whole number of kilobytes a second")),
    Spec("RETENTION_PERIOD", "7y", _retention_period),
    Spec("TABLET_SHOWS_INITIAL", "false", _bool),  # the hand-off's first-name initial on the tablet
    Spec("HAND_OFF_MINUTES", "30", _whole(1, 240, "a whole number of minutes")),
)
SETTING_NAMES: tuple[str, ...] = tuple(spec.name for spec in SPECS)
RETIRED_SETTINGS: dict[str, str] = {
    "KIOSK_STAFF_CODE": "since 1.1 the kiosk staff code is kept only as an argon2id hash in the database; "
                        "set it with `python -m access set-kiosk-code` (make staff ARGS=\"set-kiosk-code\"), "
                        "then remove KIOSK_STAFF_CODE",
}
"""Settings the app no longer reads, with what replaced each (said in the log at start)."""


def default(name: str) -> Any:
    """The setting `name`'s default, parsed: for values built by hand (tests, tools), so no other
    module keeps a default of its own."""
    spec = next(spec for spec in SPECS if spec.name == name)
    return spec.parse(spec.default)


def read_secrets(path: Path = SECRETS_PATH) -> dict[str, Any]:
    """The top-level values of secrets.toml ({} when there is none)."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path.name}: not readable TOML ({str(exc).splitlines()[0]})") from None


def _secret_text(value: Any) -> str | None:
    if value is None or isinstance(value, dict):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(part) for part in value)
    return str(value)


def load_settings(environ: Mapping[str, str] | None = None, secrets_path: Path = SECRETS_PATH) -> Settings:
    """Environment, then secrets.toml, then the default, for every setting; raises SettingsError."""
    environ = os.environ if environ is None else environ
    secrets = read_secrets(secrets_path)
    values: dict[str, Any] = {}
    for spec in SPECS:
        raw = environ.get(spec.name) or _secret_text(secrets.get(spec.name)) or spec.default
        try:
            values[spec.field] = spec.parse(raw)
        except ValueError as exc:
            hidden = spec.secret or "@" in raw  # a database URL may hold a password
            shown = "(hidden)" if hidden else repr(raw if len(raw) <= 80 else raw[:77] + "...")
            raise SettingsError(f"{spec.name}: {shown} {exc}") from None
    return Settings(**values)


def retired_settings_still_set(environ: Mapping[str, str] | None = None,
                                secrets_path: Path = SECRETS_PATH) -> list[str]:
    """One line per retired setting the environment or secrets.toml still sets (never its value)."""
    environ = os.environ if environ is None else environ
    secrets = read_secrets(secrets_path)
    return [f"{name} is set but no longer read: {instead}" for name, instead in RETIRED_SETTINGS.items()
            if environ.get(name) or _secret_text(secrets.get(name))]


def fingerprint(environ: Mapping[str, str] | None = None, secrets_path: Path = SECRETS_PATH) -> tuple[object, ...]:
    """Cheap to compute; changes when any setting's source changes (the app's cache key)."""
    environ = os.environ if environ is None else environ
    try:
        secrets_changed: int | None = secrets_path.stat().st_mtime_ns
    except OSError:
        secrets_changed = None
    return (secrets_changed, *(environ.get(name) for name in SETTING_NAMES))


def child_environment(extra: Mapping[str, str], *, drop_prefix: str) -> dict[str, str]:
    """This process's environment for a helper program (pg_dump), without the variables starting
    with `drop_prefix` and with `extra` added (settings are read above, never from here)."""
    return {name: value for name, value in os.environ.items() if not name.startswith(drop_prefix)} | dict(extra)


def settings_or_exit(program: str) -> Settings:
    """For command lines: the settings, or the one-line problem on stderr and exit status 2."""
    try:
        return load_settings()
    except SettingsError as exc:
        print(f"{program}: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
