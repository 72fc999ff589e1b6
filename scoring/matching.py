"""Answer matching and red-flag levels: the one owner of every rule about answers and red flags.

The engine, the patient flow, escalation, the batch and the FHIR reader all ask these, so a
condition, a raised red flag and the most severe level mean the same everywhere
(`tests/test_architecture.py` checks nobody else defines them).

- `holds`: does an answer meet a condition (`show_if`, gate, tier rule)? A multiple-choice answer
  (a tuple of codes) meets it when it includes one of the condition's codes.
- `raises`: does an answer raise its item's red flag? Codes are matched exactly as the YAML
  defines them; a multiple choice raises it when any chosen code is in `urgent_if`.
- `read_red_flags`: the red flags in *raw* answers, read before anything else is checked, so a
  row with another error, an answer hidden by branching or a near-miss code never loses urgency.
  When in doubt, urgent: an answer to a red-flag item that is not exactly one of its codes
  ("Yes", "Sí", `true`) is read as raising it, unless it is a near miss of a code that does not
  raise it ("No", " no "). The answer is still an error; the reading only says "urgent anyway".
- `most_severe`: the most severe of some levels, in the order of `RED_FLAG_LEVELS`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from scoring.model import RED_FLAG_LEVELS, Condition, Item, Questionnaire, RedFlagLevel


def holds(condition: Condition, answers: Mapping[str, object]) -> bool:
    """The answer to `condition.item` is one of its codes (a multiple choice: includes one)."""
    value = answers.get(condition.item)
    if value.__class__ is tuple or value.__class__ is list:
        return not condition.any_of.isdisjoint(value)  # type: ignore[arg-type,unused-ignore]
    return value.__class__ is str and value in condition.any_of


def raises(item: Item, value: object) -> bool:
    """True when this (checked) answer raises the item's red flag: an exact code in `urgent_if`,
    or, for a multiple choice, any chosen code in it."""
    if item.red_flag is None or value is None:
        return False
    urgent_if = item.red_flag.urgent_if
    if value.__class__ is tuple or value.__class__ is list:
        return not urgent_if.isdisjoint(value)  # type: ignore[arg-type,unused-ignore]
    return value.__class__ is str and value in urgent_if


def most_severe(*levels: str | None) -> RedFlagLevel | None:
    """The most severe of some red-flag levels (`RED_FLAG_LEVELS` order); None for none.
    A level this version does not know ranks below every known one (it is ignored)."""
    present = set(levels)
    return next((level for level in RED_FLAG_LEVELS if level in present), None)


@dataclass(frozen=True, slots=True)
class RaisedFlag:
    """A red flag read from raw answers. `doubt` says why an answer that is not exactly a code
    still counts ("" when the answer is exactly one of `urgent_if`)."""

    item: str
    level: RedFlagLevel
    doubt: str = ""

    def __str__(self) -> str:
        return f"{self.item} ({self.level})" + (f": {self.doubt}" if self.doubt else "")


def read_red_flags(questionnaire: Questionnaire, answers: Mapping[str, object]) -> tuple[RaisedFlag, ...]:
    """Every red flag the raw answers raise, in questionnaire order, whatever else is wrong with
    them and whether or not branching would show the item. Never raises."""
    raised: list[RaisedFlag] = []
    for item in questionnaire.red_flag_items:
        value = answers.get(item.id)
        if value is None or value == "" or value == [] or value == ():
            continue
        assert item.red_flag is not None
        if raises(item, value) and _all_codes(item, value):
            raised.append(RaisedFlag(item.id, item.red_flag.level))
        elif (doubt := _doubt(item, value)) is not None:
            raised.append(RaisedFlag(item.id, item.red_flag.level, doubt))
    for rule in questionnaire.red_flag_rules:  # combinations, read from the raw answers too
        if all(holds(c, answers) for c in rule.all) and (not rule.any or any(holds(c, answers) for c in rule.any)):
            raised.append(RaisedFlag(rule.id, rule.red_flag.level))
    return tuple(raised)


def flags_line(flags: Iterable[RaisedFlag]) -> str:
    """'URGENT anyway: stroke_signs_last_hours (emergency)' for an error message; '' when none."""
    shown = ", ".join(str(flag) for flag in flags)
    return f"URGENT anyway (a red-flag answer says so): {shown}" if shown else ""


def _all_codes(item: Item, value: object) -> bool:
    values = value if isinstance(value, (list, tuple)) else [value]
    return all(isinstance(code, str) and code in item.codes for code in values)


def _doubt(item: Item, value: object) -> str | None:
    """Why an answer that is not exactly one of the item's codes is read as urgent, or None when
    it is plainly a code that does not raise the flag (a near miss such as "No")."""
    assert item.red_flag is not None
    values = value if isinstance(value, (list, tuple)) else [value]
    folded_urgent = {_fold(code) for code in item.red_flag.urgent_if}
    folded_codes = {_fold(code) for code in item.codes}
    reasons = []
    for one in values:
        if isinstance(one, str) and one in item.codes:
            if one in item.red_flag.urgent_if:
                reasons.append(f"{one!r} raises it")
            continue
        folded = _fold(one) if isinstance(one, str) else None
        if folded in folded_urgent:
            reasons.append(f"{one!r} read as {_original(item, folded)!r} (when in doubt, urgent)")
        elif folded is None or folded not in folded_codes:
            reasons.append(f"{one!r} is not an answer code; read as urgent (when in doubt, urgent)")
    return "; ".join(reasons) if reasons else None


def _original(item: Item, folded: str) -> str:
    return next(code for code in sorted(item.codes) if _fold(code) == folded)


def _fold(text: str) -> str:
    """Case, accents, spaces and hyphens folded away: "Sí " -> "si", "Prefer-not" -> "prefer_not"."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return "_".join(plain.casefold().replace("-", " ").replace("_", " ").split())
