"""Files that leave the program (hostile input): spreadsheet cells that cannot run a
formula however the spreadsheet splits them, and output files only their owner reads, never
written through a symbolic link."""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.cli import main
from scoring.safe_text import FORMULA_START, inert_cell, open_private
from tests.support.answers import DEFAULT_QUESTIONNAIRE, answers

SEPARATORS = (",", ";", "\t", "|")


def _cells_as_split_by(text: str, separator: str) -> list[str]:
    """How a spreadsheet told to split on `separator` (with `"` as the quote) reads the file."""
    return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator) for cell in row]


def _written(*rows: list[object]) -> str:
    buffer = io.StringIO()  # as storage/export.py and scoring/batch.py write
    csv.writer(buffer, lineterminator="\n").writerows(
        [[inert_cell(cell) if isinstance(cell, str) else cell for cell in row] for row in rows])
    return buffer.getvalue()


@pytest.mark.parametrize("separator", SEPARATORS)
def test_a_formula_after_a_separator_inside_a_note_stays_inside_its_cell(separator: str) -> None:
    """A semicolon-separated reading would start a new cell at the `;` in a note and
    run `=HYPERLINK(...)`; that `=` now carries the spreadsheet's quote prefix `'` (text, never run)."""
    note = f'see chart{separator}=HYPERLINK("http://x","click")'
    cells = _cells_as_split_by(_written(["K7M-4PX", note, "new"]), separator)
    assert not any(cell.startswith(FORMULA_START) for cell in cells), cells
    assert inert_cell(note) == f"see chart{separator}'=HYPERLINK(\"http://x\",\"click\")"


@pytest.mark.parametrize("text", ["a;b", "note, long", "2026-11-24T04:30:00-05:00", "pain 7 | worse", "x-ray; fine"])
def test_text_without_a_hidden_formula_is_unchanged(text: str) -> None:
    assert inert_cell(text) == text


@given(st.lists(st.text(alphabet=st.sampled_from(list("ab =+-@;,\t|\"'\n\r")), max_size=12), min_size=1, max_size=4))
def test_no_separator_ever_splits_out_a_formula(cells: list[str]) -> None:
    """Whatever staff type, no way of splitting the file gives a cell a spreadsheet would run."""
    written = _written(cells)
    for separator in SEPARATORS:
        for cell in _cells_as_split_by(written, separator):
            assert not cell.lstrip(" ").startswith(("=", "+", "-", "@")), (separator, cells, written)


def test_inert_cell_is_the_one_copy() -> None:
    """storage's CSV export used its own `_inert`; there is one `inert_cell` now."""
    import storage.export as export

    assert not hasattr(export, "_inert") and not hasattr(export, "_FORMULA_START")
    assert inert_cell("=1+1") == "'=1+1"


def test_open_private_is_owner_only_even_over_an_old_file(tmp_path: Path) -> None:
    old = tmp_path / "old.csv"
    old.write_text("before")
    old.chmod(0o644)
    with open_private(old, "w") as handle:
        handle.write("after")
    assert stat.S_IMODE(old.stat().st_mode) == 0o600 and old.read_text() == "after"


def test_open_private_refuses_a_symbolic_link(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "out.csv"
    link.symlink_to(victim)
    with pytest.raises(OSError):
        open_private(link, "w")
    assert victim.read_text() == "keep me"


def _batch_input(tmp_path: Path) -> Path:
    source = tmp_path / "in.csv"
    row = {"respondent_id": "r1", **answers()}
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(row.keys())
        writer.writerow([";".join(v) if isinstance(v, list) else str(v) for v in row.values()])
    return source


def test_batch_output_is_owner_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Batch CSVs were 0644 (any user on the server could read the results)."""
    os.umask(0o022)
    target = tmp_path / "out.csv"
    assert main(["batch", "--questionnaire", str(DEFAULT_QUESTIONNAIRE), "--input", str(_batch_input(tmp_path)),
                 "--output", str(target)]) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_batch_refuses_to_write_through_a_symbolic_link(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "out.csv").symlink_to(victim)
    code = main(["batch", "--questionnaire", str(DEFAULT_QUESTIONNAIRE), "--input", str(_batch_input(tmp_path)),
                 "--output", str(tmp_path / "out.csv")])
    err = capsys.readouterr().err
    assert code == 2 and "cannot write CSV" in err and "Traceback" not in err
    assert victim.read_text() == "keep me"
