"""settings.py: every setting parsed and checked once, environment > secrets.toml > default, and a
bad value is one line naming the setting, the value and what is allowed (secrets hidden)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from settings import (
    SETTING_NAMES,
    SPECS,
    Settings,
    SettingsError,
    load_settings,
    retired_settings_still_set,
    server_timezone_name,
)

REPO = Path(__file__).resolve().parents[1]
NO_SECRETS = Path("/nonexistent/secrets.toml")

BAD_VALUES = [
    ("DATABASE_URL", "not a url"),
    ("QUESTIONNAIRE", "questionnaires/missing.yaml"),
    ("AUTO_MIGRATE", "maybe"),
    ("CLINIC_TIMEZONE", "Mars/Olympus_Mons"),
    ("IDLE_TIMEOUT_SECONDS", "abc"),
    ("IDLE_TIMEOUT_SECONDS", "1"),
    ("IDLE_TIMEOUT_SECONDS", "nan"),
    ("IDLE_TIMEOUT_SECONDS", "1e9"),
    ("IDLE_WARNING_SECONDS", "-3"),
    ("SHOW_OUTCOME_TO_PATIENT", "sometimes"),
    ("TAP_GUARD_SECONDS", "inf"),
    ("TAP_GUARD_SECONDS", "61"),
    ("STAFF_IDLE_MINUTES", "0"),
    ("STAFF_EMAILS", "alice@clinic.org, bob"),
    ("ADMIN_EMAILS", "not-an-address"),
    ("TRUSTED_PROXIES", "10.0.0.1, proxy.local"),
    ("APP_BASE_URL", "localhost:8501"),
    ("FHIR_BASE_URL", "ftp://fhir.example.org"),
    ("EXPORT_MAX_ROWS", "0"),
    ("EXPORT_MAX_ROWS", "lots"),
    ("ALERT_WEBHOOK_URL", "javascript:alert(1)"),
    ("ALERT_EMAIL_TO", "desk@clinic.org;nurse@clinic.org"),
    ("ALERT_EMAIL_FROM", "two@a.org,three@b.org"),
    ("SMTP_HOST", "mail server"),
    ("SMTP_PORT", "70000"),
    ("SMTP_PORT", "25.5"),
    ("SMTP_STARTTLS", "tls"),
]


@pytest.mark.parametrize(("name", "value"), BAD_VALUES, ids=[f"{n}={v}" for n, v in BAD_VALUES])
def test_bad_value_is_one_line_naming_setting_value_and_what_is_allowed(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({name: value}, NO_SECRETS)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{name}: ")
    assert repr(value) in message or "(hidden)" in message
    assert " is not " in message  # then what is allowed


def test_the_issue_example_message() -> None:
    with pytest.raises(SettingsError, match=r"^IDLE_TIMEOUT_SECONDS: 'abc' is not a number of seconds \(5-3600\)$"):
        load_settings({"IDLE_TIMEOUT_SECONDS": "abc"}, NO_SECRETS)


@pytest.mark.parametrize(
    ("name", "value"),
    [("ALERT_WEBHOOK_URL", "https://hooks/ secret-token"),
     ("DATABASE_URL", "postgresql+psycopg://app:S3cret@db:bad-port/x")],
)
def test_secrets_are_never_printed(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({name: value}, NO_SECRETS)
    assert "(hidden)" in str(caught.value)
    assert "secret-token" not in str(caught.value) and "S3cret" not in str(caught.value)


def test_passwords_and_codes_are_marked_secret() -> None:
    assert {spec.name for spec in SPECS if spec.secret} >= {"SMTP_PASSWORD", "ALERT_WEBHOOK_SECRET", "BACKUP_KEY"}


def test_secret_fields_are_left_out_of_repr() -> None:
    loaded = load_settings({"SMTP_PASSWORD": "hunter2", "ALERT_WEBHOOK_SECRET": "s3"}, NO_SECRETS)
    assert loaded.smtp_password == "hunter2"
    assert "hunter2" not in repr(loaded) and "'s3'" not in repr(loaded)


def test_defaults() -> None:
    loaded = load_settings({}, NO_SECRETS)
    assert loaded.database_url.endswith("/data/screening.db") and loaded.database_url.startswith("sqlite:///")
    assert loaded.questionnaire == REPO / "questionnaires" / "crps.yaml"
    assert (loaded.idle_timeout_seconds, loaded.idle_warning_seconds, loaded.tap_guard_seconds) == (180, 30, 0.5)
    assert loaded.staff_idle_minutes == 15 and loaded.show_outcome_to_patient is True
    assert loaded.clinic_timezone == ZoneInfo(server_timezone_name()) and loaded.auto_migrate is True
    assert (loaded.smtp_port, loaded.smtp_starttls, loaded.export_max_rows) == (25, True, 50000)
    assert loaded.app_base_url == "http://localhost:8501" and loaded.fhir_base_url == ""
    assert loaded.staff_emails == () and loaded.alert_email_to == () and loaded.trusted_proxies == ()


def test_every_field_has_a_setting_and_the_other_way_round() -> None:
    assert {spec.field for spec in SPECS} == set(Settings.__dataclass_fields__)
    assert len(SETTING_NAMES) == len(set(SETTING_NAMES))


def test_typed_values() -> None:
    loaded = load_settings({
        "STAFF_EMAILS": " Alice@Clinic.org , bob@clinic.org,", "TRUSTED_PROXIES": "10.0.0.1, 172.16.0.0/12",
        "SMTP_STARTTLS": "YES", "SHOW_OUTCOME_TO_PATIENT": "0", "CLINIC_TIMEZONE": "America/Chicago",
        "FHIR_BASE_URL": "https://fhir.example.org/r4/", "SMTP_PORT": "587", "STAFF_IDLE_MINUTES": "0.1",
    }, NO_SECRETS)
    assert loaded.staff_emails == ("alice@clinic.org", "bob@clinic.org")
    assert loaded.trusted_proxies == ("10.0.0.1", "172.16.0.0/12")
    assert loaded.smtp_starttls is True and loaded.show_outcome_to_patient is False
    assert loaded.clinic_timezone == ZoneInfo("America/Chicago")
    assert loaded.fhir_base_url == "https://fhir.example.org/r4" and loaded.smtp_port == 587
    assert loaded.staff_idle_minutes == pytest.approx(0.1)


def test_precedence_environment_then_secrets_then_default(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('IDLE_TIMEOUT_SECONDS = 60\nSMTP_STARTTLS = true\nCLINIC_NAME = "From secrets"\n'
                       'STAFF_EMAILS = ["a@b.org", "c@d.org"]\n[auth]\nredirect_uri = "x"\n', encoding="utf-8")
    from_secrets = load_settings({}, secrets)
    assert from_secrets.idle_timeout_seconds == 60 and from_secrets.smtp_starttls is True
    assert from_secrets.clinic_name == "From secrets" and from_secrets.staff_emails == ("a@b.org", "c@d.org")
    from_env = load_settings({"IDLE_TIMEOUT_SECONDS": "90", "CLINIC_NAME": "From env"}, secrets)
    assert from_env.idle_timeout_seconds == 90 and from_env.clinic_name == "From env"
    assert from_env.smtp_starttls is True  # not in the environment: secrets still count
    assert load_settings({}, NO_SECRETS).idle_timeout_seconds == 180


def test_bad_value_in_secrets_is_named_too(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('SMTP_PORT = "smtp"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"^SMTP_PORT: 'smtp' is not a port number \(1-65535\)$"):
        load_settings({}, secrets)


def test_unreadable_secrets_file_is_one_line(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("IDLE_TIMEOUT_SECONDS = = 3\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"^secrets\.toml: not readable TOML") as caught:
        load_settings({}, secrets)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "command",
    [["-m", "storage", "migrate"], ["-m", "storage", "demo-data", "--count", "1"],
     ["-m", "report", "--submission", "ABC-DEF", "--out", "x.pdf"], ["-m", "access", "list"]],
    ids=lambda command: " ".join(command[1:3]),
)
def test_command_lines_print_one_line_and_exit_2_on_a_bad_setting(command: list[str], tmp_path: Path) -> None:
    environ = {"PATH": "/usr/bin:/bin", "IDLE_TIMEOUT_SECONDS": "abc",
               "DATABASE_URL": f"sqlite:///{tmp_path / 'never.db'}"}
    done = subprocess.run([sys.executable, *command], cwd=REPO, env=environ, input="", capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith("IDLE_TIMEOUT_SECONDS: 'abc' is not a number of seconds (5-3600)")
    assert not (tmp_path / "never.db").exists()  # refused before touching the database


def test_app_with_a_bad_setting_tells_patients_only_to_see_the_front_desk(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import streamlit
    from streamlit.testing.v1 import AppTest

    from ui import resources

    monkeypatch.chdir(REPO)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setenv("SMTP_PORT", "seventy")
    streamlit.cache_resource.clear()
    try:
        assert resources.start_up_problem() == "SMTP_PORT: 'seventy' is not a port number (1-65535)"
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=20).run()
        shown = " ".join(element.value for element in at.error)
        assert shown == "This check is not available right now. Please tell the front desk."
        assert not at.button and not at.exception  # nothing else rendered, no traceback
        monkeypatch.setenv("SMTP_PORT", "587")
        assert resources.start_up_problem() is None
    finally:
        streamlit.cache_resource.clear()


def test_clinic_timezone_unset_is_the_servers_zone_not_utc() -> None:
    """Issue 17.7: no silent UTC default. A server in Chicago with CLINIC_TIMEZONE unset keeps the
    clinic's day in Chicago (and says so: tests/coordinator/test_queue_pages.py)."""
    code = ("import settings; s = settings.load_settings({}, settings.Path('/nonexistent'));"
            "print(s.clinic_timezone, settings.timezone_is_the_servers({}, settings.Path('/nonexistent')))")
    environment = {key: value for key, value in os.environ.items() if key != "CLINIC_TIMEZONE"}
    finished = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60,
                              env={**environment, "TZ": "America/Chicago"})
    assert finished.stdout.split() == ["America/Chicago", "True"], finished.stderr
    assert load_settings({"CLINIC_TIMEZONE": "Europe/Madrid"}, NO_SECRETS).clinic_timezone == ZoneInfo("Europe/Madrid")


def test_kiosk_staff_code_is_retired_and_said_so_without_its_value(tmp_path: Path) -> None:
    assert "KIOSK_STAFF_CODE" not in SETTING_NAMES and not hasattr(load_settings({}, NO_SECRETS), "kiosk_staff_code")
    assert retired_settings_still_set({}, NO_SECRETS) == []
    from_environment = retired_settings_still_set({"KIOSK_STAFF_CODE": "2468"}, NO_SECRETS)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('KIOSK_STAFF_CODE = "2468"\n', encoding="utf-8")
    assert retired_settings_still_set({}, secrets) == from_environment
    [line] = from_environment
    assert line.startswith("KIOSK_STAFF_CODE is set but no longer read") and "2468" not in line
    assert "python -m access set-kiosk-code" in line  # what replaced it


def test_the_app_warns_once_in_its_log_while_kiosk_staff_code_is_set(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import streamlit

    from ui import resources

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setenv("KIOSK_STAFF_CODE", "2468")
    streamlit.cache_resource.clear()
    try:
        with caplog.at_level(logging.WARNING, logger="crps.settings"):
            resources.settings()
            resources.settings()
    finally:
        streamlit.cache_resource.clear()
    said = [record.getMessage() for record in caplog.records if record.name == "crps.settings"]
    assert len(said) == 1 and "set-kiosk-code" in said[0] and "2468" not in caplog.text
