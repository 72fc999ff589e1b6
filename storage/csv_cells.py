"""The CSV export's cells made inert fast: the reference code without the regular expression where
`inert_cell` would change nothing, and memos of the text cells and answers repeated from row to row."""

from __future__ import annotations

from scoring.safe_text import inert_cell


def reference_cell(reference: str) -> str:
    """`inert_cell` of a reference code, without the regular expression for the codes storage
    writes: starting with a letter or digit, and letters and digits around at most one dash, it
    holds nothing a spreadsheet could run and `inert_cell` leaves it as it is (a property test
    checks the two agree on any text). Anything else goes through `inert_cell`. One per row:
    the regular expression on a million references was 2 s of the export."""
    if reference[:1].isalnum() and reference.replace("-", "", 1).isalnum():
        return reference
    return inert_cell(reference)


class InertCells(dict[object, object]):
    """`inert[cell]`: `inert_cell` of a text cell, remembered (most cells are a few answer codes,
    tiers and languages repeated on every row: a dictionary hit instead of a regular expression,
    a third of the export's time; at most INERT_MEMO texts, then it starts again); any other
    cell (True, 7, None) as it is, never remembered (True == 1 as a key)."""

    def __missing__(self, cell: object) -> object:
        if not isinstance(cell, str):
            return cell
        if len(self) >= INERT_MEMO:
            self.clear()
        inert = self[cell] = inert_cell(cell)
        return inert


INERT_MEMO = 4096


class AnswerCells(dict[object, object]):
    """`answer[value]`: the cell of an answer msgspec checked (`storage.csv_rows.ANSWER`), as
    `storage.export._row` writes it: none "", a code through `inert_cell`, codes joined by ";"
    through `inert_cell` (these remembered, at most INERT_MEMO), a number as it is (never
    remembered: 1 == 1.0)."""

    def __missing__(self, value: object) -> object:
        if value is None:
            cell = ""
        elif value.__class__ is str:
            cell = inert_cell(value)
        elif value.__class__ is tuple:
            cell = inert_cell(";".join(map(str, value)))
        else:
            return value
        if len(self) >= INERT_MEMO:
            self.clear()
        self[value] = cell
        return cell
