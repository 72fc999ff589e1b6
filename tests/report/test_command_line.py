"""`python -m report`: one summary by reference, a day's summaries into a zip, clean errors."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from scoring import load_questionnaire, score
from storage import Storage
from tests.core.conftest import DEFAULT_QUESTIONNAIRE, REPO, with_categories


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "report", *args], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, **(env or {})})


def test_one_summary_and_a_day(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'screening.db'}"
    storage = Storage(url)
    questionnaire = load_questionnaire(DEFAULT_QUESTIONNAIRE)
    saved = [
        storage.save_submission(idempotency_key=f"k{n}", result=score(questionnaire, with_categories(*c)),
                                language="en")
        for n, c in enumerate([("sensory",), ("sensory", "vasomotor"), ("sensory", "vasomotor", "sudomotor_edema")])
    ]
    out = tmp_path / "one.pdf"
    finished = run("--submission", saved[0].reference.lower(), "--out", str(out), "--database", url)
    assert finished.returncode == 0, finished.stderr
    assert saved[0].reference in (PdfReader(out).pages[0].extract_text() or "")
    assert "pdf_generated" in [event.event for event in storage.list_audit()]

    day = tmp_path / "day.zip"
    today = datetime.now(UTC).date().isoformat()
    finished = run("--day", today, "--out", str(day), "--database", url, "--variant", "patient",
                   env={"CLINIC_TIMEZONE": "UTC"})  # today is a UTC day here, whatever the server's zone
    assert finished.returncode == 0, finished.stderr
    with zipfile.ZipFile(day) as archive:
        names = sorted(archive.namelist())
        assert names == sorted(f"crps-screen-{s.reference}-patient.pdf" for s in saved)
        first = PdfReader(io.BytesIO(archive.read(names[0])))
        assert "Your pain symptom check" in (first.pages[0].extract_text() or "")


def test_unknown_reference_is_one_line(tmp_path: Path) -> None:
    finished = run("--submission", "ZZZ-999", "--out", str(tmp_path / "x.pdf"),
                   "--database", f"sqlite:///{tmp_path / 'empty.db'}")
    assert finished.returncode == 2
    assert finished.stderr.strip() == "report: no submission with reference 'ZZZ-999'"
    assert not (tmp_path / "x.pdf").exists()


def test_times_in_the_clinic_time_zone_setting(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'screening.db'}"
    saved = Storage(url).save_submission(
        idempotency_key="tz", result=score(load_questionnaire(DEFAULT_QUESTIONNAIRE), with_categories("sensory")),
        language="en")
    out = tmp_path / "tz.pdf"
    finished = run("--submission", saved.reference, "--out", str(out), "--database", url,
                   env={"CLINIC_TIMEZONE": "America/Chicago"})
    assert finished.returncode == 0, finished.stderr
    text = PdfReader(out).pages[0].extract_text() or ""
    local = saved.created_at.astimezone(ZoneInfo("America/Chicago"))
    assert f"{local:%Y-%m-%d %H:%M} {local.tzname()}" in text
    assert " UTC" not in text


def test_a_bad_clinic_time_zone_is_one_line(tmp_path: Path) -> None:
    finished = run("--submission", "ZZZ-999", "--out", str(tmp_path / "x.pdf"),
                   "--database", f"sqlite:///{tmp_path / 'empty.db'}", env={"CLINIC_TIMEZONE": "Mars/Olympus"})
    assert finished.returncode == 2
    assert len(finished.stderr.strip().splitlines()) == 1 and "CLINIC_TIMEZONE" in finished.stderr


def test_a_day_is_the_clinic_s_day(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'screening.db'}"
    saved = Storage(url).save_submission(
        idempotency_key="day", result=score(load_questionnaire(DEFAULT_QUESTIONNAIRE), with_categories("sensory")),
        language="en")
    # A zone whose calendar day is not the UTC day at this moment (UTC+14 late in the UTC day, UTC-12 early).
    zone = "Pacific/Kiritimati" if saved.created_at.astimezone(UTC).hour >= 10 else "Etc/GMT+12"
    local_day = saved.created_at.astimezone(ZoneInfo(zone)).date()
    assert local_day != saved.created_at.astimezone(UTC).date()
    for day, expected in ((local_day, 1), (local_day - timedelta(days=1), 0), (local_day + timedelta(days=1), 0)):
        out = tmp_path / f"{day}.zip"
        finished = run("--day", day.isoformat(), "--out", str(out), "--database", url, env={"CLINIC_TIMEZONE": zone})
        assert finished.returncode == 0, finished.stderr
        with zipfile.ZipFile(out) as archive:
            assert len(archive.namelist()) == expected, day


def test_the_command_lines_clinician_copy_carries_the_name_the_desk_gave(tmp_path: Path) -> None:
    from storage import PatientIds

    url = f"sqlite:///{tmp_path / 'screening.db'}"
    questionnaire = load_questionnaire(DEFAULT_QUESTIONNAIRE)
    row = Storage(url).save_submission(idempotency_key="k", result=score(questionnaire, with_categories("sensory")),
                                       language="en", patient=PatientIds("MRN-77", None, "Ann Lee"))
    out = tmp_path / "one.pdf"
    finished = run("--submission", row.reference, "--out", str(out), "--database", url)
    assert finished.returncode == 0, finished.stderr
    first = PdfReader(out).pages[0].extract_text() or ""
    assert "Chart number\nMRN-77\nName\nAnn Lee\n" in first and "Ann Lee" not in finished.stdout + finished.stderr
