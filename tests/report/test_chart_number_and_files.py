"""The clinician PDF carries the chart number staff saved (hazard H64), and
`python -m report` writes owner-only files and never through a symbolic link."""

from __future__ import annotations

import io
import os
import re
import stat
import subprocess
import sys
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from report import SummaryHeader, SummaryOptions, build_summary
from scoring import load_questionnaire, score
from storage import Storage, Submission
from tests.support.answers import DEFAULT_QUESTIONNAIRE, REPO, with_categories
from ui.coordinator.screening import summary_header

QUESTIONNAIRE = load_questionnaire(DEFAULT_QUESTIONNAIRE)
WHEN = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def _pages(pdf: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def _pdf(variant: str, chart_number: str | None) -> bytes:
    result = score(QUESTIONNAIRE, with_categories("sensory", "vasomotor", "sudomotor_edema"))
    header = SummaryHeader(reference="K7M-4PX", submitted_at=WHEN, language="en", status="new",
                           patient_identifier=chart_number)
    return build_summary(result, QUESTIONNAIRE, header, SummaryOptions(variant=variant, generated_at=WHEN))  # type: ignore[arg-type]


def test_the_clinician_copy_has_the_chart_number_in_its_header_and_on_every_page() -> None:
    pages = _pages(_pdf("clinician", "MRN-0042817"))
    assert "Chart number MRN-0042817" in pages[0].split("Outcome of the screen")[0]  # the header facts
    assert len(pages) > 1 and all("MRN-0042817" in page for page in pages)  # the footer, as filed


def test_without_a_chart_number_the_header_asks_for_one() -> None:
    first = _pages(_pdf("clinician", None))[0]
    assert "Chart number (none saved: write it here before filing)" in first


def test_the_patient_copy_goes_home_without_it() -> None:
    assert not any("MRN-0042817" in page or "Chart number" in page for page in _pages(_pdf("patient", "MRN-0042817")))


@pytest.fixture
def saved(tmp_path: Path) -> tuple[str, Submission]:
    url = f"sqlite:///{tmp_path / 'screening.db'}"
    storage = Storage(url)
    row = storage.save_submission(idempotency_key="k1", language="en",
                                  result=score(QUESTIONNAIRE, with_categories("sensory", "vasomotor")))
    storage.set_patient_identifier(row.id, "MRN-77", actor="test")
    found = storage.get_submission(row.id)
    assert found is not None
    return url, found


def test_the_screening_page_and_the_command_line_pass_the_chart_number(tmp_path: Path,
                                                                        saved: tuple[str, Submission]) -> None:
    """The page's download (summary_header) and `python -m report` both build from the saved row."""
    url, row = saved
    assert summary_header(row).patient_identifier == "MRN-77"
    out = tmp_path / "one.pdf"
    finished = _report("--submission", row.reference, "--out", str(out), "--database", url)
    assert finished.returncode == 0, finished.stderr
    assert "Chart number MRN-77" in _pages(out.read_bytes())[0]


def _report(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "report", *args], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, "CLINIC_TIMEZONE": "UTC"}, timeout=120)


@pytest.mark.parametrize("kind", ["--submission", "--day"])
def test_report_files_are_owner_only(tmp_path: Path, saved: tuple[str, Submission], kind: str) -> None:
    """Report PDFs and ZIPs were 0644: any account on the server could read them."""
    url, row = saved
    out = tmp_path / ("out.pdf" if kind == "--submission" else "out.zip")
    out.write_bytes(b"old")
    out.chmod(0o644)
    which = row.reference if kind == "--submission" else datetime.now(UTC).date().isoformat()
    finished = _report(kind, which, "--out", str(out), "--database", url)
    assert finished.returncode == 0, finished.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    if kind == "--day":
        assert len(zipfile.ZipFile(out).namelist()) == 1


@pytest.mark.parametrize("kind", ["--submission", "--day"])
def test_report_refuses_to_write_through_a_symbolic_link(tmp_path: Path, saved: tuple[str, Submission],
                                                         kind: str) -> None:
    """`--out` naming a link overwrote the file it pointed to."""
    url, row = saved
    victim = tmp_path / "someone-elses-file"
    victim.write_text("keep me")
    link = tmp_path / "out.pdf"
    link.symlink_to(victim)
    which = row.reference if kind == "--submission" else datetime.now(UTC).date().isoformat()
    finished = _report(kind, which, "--out", str(link), "--database", url)
    assert finished.returncode == 2
    assert len(finished.stderr.strip().splitlines()) == 1 and "Traceback" not in finished.stderr
    assert victim.read_text() == "keep me"


def test_a_long_chart_number_and_name_stay_on_the_page() -> None:
    """The longest chart number (64 characters) beside the longest name (100) ran off the right
    edge of the clinician copy's footer: part of the identifiers was not on the page."""
    chart = "MRN-" + "7" * 60
    name = "Maria " + " ".join(["Guadalupe-Fernandez"] * 4) + " de la Cruz Lopez"
    name = name[:100]
    result = score(QUESTIONNAIRE, with_categories("sensory", "vasomotor", "sudomotor_edema"))
    header = SummaryHeader(reference="K7M-4PX", submitted_at=WHEN, language="en", status="new",
                           patient_identifier=chart, patient_birth_date=date(1980, 2, 3), patient_name=name)
    pdf = build_summary(result, QUESTIONNAIRE, header, SummaryOptions(variant="clinician", generated_at=WHEN))
    boxes = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    pages = boxes.split("<page ")[1:]
    assert len(pages) > 1
    right_edge = 612 - 0.8 * 72  # LETTER width less the right margin, in points
    for page in pages:
        words = re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', page)
        assert words and max(float(x_max) for x_max, _ in words) <= right_edge + 1
        text = " ".join(word for _, word in words)
        assert chart in text and "de la Cruz" in text and "1980-02-03" in text
