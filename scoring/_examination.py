"""Read a questionnaire's `examination:` section: the Budapest signs a clinician may
record, their categories, the criteria thresholds and the 17 CRPS Severity Score items.

Called by `scoring.loader` with its field reader, so problems are one line each and name the
file, the sign or item, and the field: ``questionnaires/crps.yaml: examination.signs[oedema].category:
unknown category 'sudomotor'``. Staff-only data: nothing here is ever shown to a patient.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scoring._fields import FieldReader
from scoring.model import Category, Item

SEVERITY_ITEM_COUNT = 17
"""The CRPS Severity Score has 17 items (Harden et al. Pain 2010;151:870-876): 8 reported
symptoms and 9 signs at examination, one point each, 0-17. Any other length is not the CSS."""

_KEYS = {"source", "criteria", "measured_temperature_sign", "signs", "severity_score"}
_CRITERIA_KEYS = {"symptom_categories", "sign_categories"}


@dataclass(frozen=True, slots=True)
class Sign:
    """A Budapest sign a clinician can see at examination, in one of the four categories."""

    id: str
    category: str
    label: str


@dataclass(frozen=True, slots=True)
class SeverityItem:
    """One CSS item: present when a listed symptom item counts, or a listed sign is recorded."""

    id: str
    label: str
    symptom_items: tuple[str, ...] = ()
    signs: tuple[str, ...] = ()

    @property
    def is_sign(self) -> bool:
        return bool(self.signs)


@dataclass(frozen=True, slots=True)
class ExaminationSpec:
    """The `examination:` section of one questionnaire, validated."""

    source: str
    signs: tuple[Sign, ...]
    severity_items: tuple[SeverityItem, ...]
    symptom_categories_needed: int = 3
    sign_categories_needed: int = 2
    measured_temperature_sign: str | None = None

    def sign(self, sign_id: str) -> Sign:
        for sign in self.signs:
            if sign.id == sign_id:
                return sign
        raise KeyError(sign_id)


def read_examination(
    reader: FieldReader, raw: object, categories: tuple[Category, ...], items_by_id: Mapping[str, Item]
) -> ExaminationSpec | None:
    """The section as an `ExaminationSpec`, or None when absent or broken (problems recorded)."""
    if raw is None:
        return None
    section = reader.mapping("examination", raw)
    if section is None:
        return None
    reader.keys("examination", section, _KEYS, {"signs", "severity_score", "source"})
    category_ids = {category.id for category in categories}
    signs = _signs(reader, section.get("signs"), category_ids)
    sign_ids = {sign.id for sign in signs}
    items = _severity_items(reader, section.get("severity_score"), sign_ids, items_by_id)
    criteria = reader.mapping("examination.criteria", section.get("criteria", {})) or {}
    reader.keys("examination.criteria", criteria, _CRITERIA_KEYS, set())
    symptoms_needed = _threshold(reader, "examination.criteria.symptom_categories",
                                 criteria.get("symptom_categories", 3), len(category_ids))
    signs_needed = _threshold(reader, "examination.criteria.sign_categories",
                              criteria.get("sign_categories", 2), len(category_ids))
    measured = section.get("measured_temperature_sign")
    if measured is not None and measured not in sign_ids:
        reader.problem("examination.measured_temperature_sign", f"unknown sign '{measured}'")
    return ExaminationSpec(
        source=reader.string("examination.source", section.get("source")),
        signs=signs, severity_items=items, symptom_categories_needed=symptoms_needed,
        sign_categories_needed=signs_needed, measured_temperature_sign=measured if measured in sign_ids else None,
    )


def _signs(reader: FieldReader, raw: object, category_ids: set[str]) -> tuple[Sign, ...]:
    signs: list[Sign] = []
    for where, name, fields in reader.entries("examination.signs", raw):
        reader.keys(where, fields, {"id", "category", "label"}, {"id", "category", "label"})
        category = str(fields.get("category", ""))
        if "category" in fields and category not in category_ids:
            reader.problem(f"{where}.category", f"unknown category '{category}'")
        signs.append(Sign(id=name, category=category, label=reader.string(f"{where}.label", fields.get("label"))))
    return tuple(signs)


def _severity_items(
    reader: FieldReader, raw: object, sign_ids: set[str], items_by_id: Mapping[str, Item]
) -> tuple[SeverityItem, ...]:
    items: list[SeverityItem] = []
    for where, name, fields in reader.entries("examination.severity_score", raw):
        reader.keys(where, fields, {"id", "label", "symptom_items", "signs"}, {"id", "label"})
        symptoms = _names(reader, f"{where}.symptom_items", fields, items_by_id, "item")
        signs = _names(reader, f"{where}.signs", fields, sign_ids, "sign")
        if bool(symptoms) == bool(signs):
            reader.problem(where, "needs exactly one of symptom_items (the patient's answers) or signs (examination)")
        items.append(SeverityItem(id=name, label=reader.string(f"{where}.label", fields.get("label")),
                                  symptom_items=symptoms, signs=signs))
    if isinstance(raw, list) and raw and len(raw) != SEVERITY_ITEM_COUNT:
        reader.problem("examination.severity_score",
                       f"has {len(raw)} items; the CRPS Severity Score has exactly {SEVERITY_ITEM_COUNT}")
    return tuple(items)


def _names(reader: FieldReader, where: str, fields: Mapping[str, Any], known: Any, kind: str) -> tuple[str, ...]:
    key = where.rsplit(".", 1)[1]
    if key not in fields:
        return ()
    names = reader.string_list(where, fields[key])
    for name in names:
        if name and name not in known:
            reader.problem(where, f"unknown {kind} '{name}'")
    return tuple(name for name in names if name in known)


def _threshold(reader: FieldReader, where: str, raw: object, categories: int) -> int:
    value = reader.integer(where, raw)
    if value is None or not 1 <= value <= max(categories, 1):
        if value is not None:
            reader.problem(where, f"must be between 1 and {categories}")
        return 1
    return value
