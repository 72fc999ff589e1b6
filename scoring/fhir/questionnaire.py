"""Our questionnaire as a FHIR R4 `Questionnaire` (JSON-ready dict). Pure Python.

Mapping (documented in the README's FHIR section): one item per question, `linkId` = item id;
single choice -> `choice` with radio buttons, multiple -> `choice` + `repeats` with check boxes,
0-10 -> `integer` with minValue/maxValue; `show_if` -> `enableWhen`; the category of a symptom
item and the red flag of a safety item are `item.code` codings in our own code systems (a red
flag's urgent answers as `{base}/StructureDefinition/{id}-urgent-if` extensions, its level as
`{id}-red-flag-level`); an item's standard code from the questionnaire (`fhir_code:`, the pain
0-10 item's LOINC 72514-3) comes first in `item.code`; other languages ride the standard
`translation` extension.
"""

from __future__ import annotations

import re
from typing import Any

from scoring.fhir.names import (
    ITEM_CONTROL,
    ITEM_CONTROL_SYSTEM,
    MAX_VALUE,
    MIN_VALUE,
    FhirNames,
    resource_id,
    translation,
)
from scoring.model import Item, Questionnaire


class FhirExportError(ValueError):
    """The questionnaire uses something FHIR R4 `enableWhen` cannot say; one line."""


def questionnaire_resource(questionnaire: Questionnaire, *, base_url: str = "") -> dict[str, Any]:
    """The FHIR R4 Questionnaire for `questionnaire` (url from `base_url` or the questionnaire id)."""
    names = FhirNames.of(questionnaire, base_url)
    default = questionnaire.languages[0]
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": resource_id(questionnaire.id),
        "language": default,
        "url": names.questionnaire,
        "version": questionnaire.version,
        "name": _computer_name(questionnaire.id),
        "title": questionnaire.title[default],
        "status": "active",
        "subjectType": ["Patient"],
        "description": questionnaire.source,
        "item": [_item(item, questionnaire, names, default) for item in questionnaire.items],
    }
    _put(resource, "_title", translation(questionnaire.title, default))
    return resource


def _computer_name(identifier: str) -> str:
    """`crps_symptom_screen` -> `CrpsSymptomScreen` (FHIR's rule: starts with a capital)."""
    name = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", identifier) if part)
    return name if name[:1].isalpha() else "Q" + name


def _item(item: Item, questionnaire: Questionnaire, names: FhirNames, default: str) -> dict[str, Any]:
    out: dict[str, Any] = {"linkId": item.id, "text": item.text[default]}
    _put(out, "_text", translation(item.text, default))
    codes = _codes(item, questionnaire, names, default)
    if codes:
        out["code"] = codes
    out["type"] = "integer" if item.kind == "integer" else "choice"
    if item.kind == "multiple":
        out["repeats"] = True
    out["required"] = item.required
    extensions: list[dict[str, Any]] = []
    if item.kind == "integer":
        extensions += [
            {"url": MIN_VALUE, "valueInteger": item.minimum},
            {"url": MAX_VALUE, "valueInteger": item.maximum},
        ]
    else:
        control = "check-box" if item.kind == "multiple" else "radio-button"
        concept = {"coding": [{"system": ITEM_CONTROL_SYSTEM, "code": control}]}
        extensions.append({"url": ITEM_CONTROL, "valueCodeableConcept": concept})
    if item.red_flag is not None:
        extensions += [
            {"url": names.extension("urgent-if"), "valueCoding": {"system": names.system("answer"), "code": code}}
            for code in sorted(item.red_flag.urgent_if)
        ]
        extensions.append({"url": names.extension("red-flag-level"), "valueCode": item.red_flag.level})
    out["extension"] = extensions
    if item.show_if:
        out.update(_enable_when(item, questionnaire, names))
    if item.choices:
        out["answerOption"] = [
            {"valueCoding": _coding(names.system("answer"), choice.code, choice.label[default], choice.label, default)}
            for choice in item.choices
        ]
    return out


def _codes(item: Item, questionnaire: Questionnaire, names: FhirNames, default: str) -> list[dict[str, Any]]:
    codes: list[dict[str, Any]] = []
    if item.fhir_code is not None:  # e.g. LOINC 72514-3 on the 0-10 pain score (the questionnaire says so)
        code = item.fhir_code
        codes.append({"system": code.system, "code": code.code, "display": code.display})
    if item.category is not None:
        label = questionnaire.category(item.category).label
        codes.append(_coding(names.system("category"), item.category, label[default], label, default))
    if item.red_flag is not None:
        concern = item.red_flag.concern
        codes.append(_coding(names.system("red-flag"), item.id, concern[default], concern, default))
    return codes


def _enable_when(item: Item, questionnaire: Questionnaire, names: FhirNames) -> dict[str, Any]:
    """`show_if` as enableWhen: one condition of several answers -> `any`; several of one -> `all`."""
    if len(item.show_if) > 1 and any(len(c.any_of) > 1 for c in item.show_if):
        raise FhirExportError(
            f"items[{item.id}].show_if: several conditions, one with several answers, cannot be FHIR enableWhen"
        )
    whens = []
    system = names.system("answer")
    for condition in item.show_if:
        target = questionnaire.item(condition.item)
        if target.kind == "integer":
            raise FhirExportError(f"items[{item.id}].show_if: a condition on a number item cannot be exported")
        whens += [
            {"question": condition.item, "operator": "=", "answerCoding": {"system": system, "code": choice.code}}
            for choice in target.choices
            if choice.code in condition.any_of
        ]
    out: dict[str, Any] = {"enableWhen": whens}
    if len(whens) > 1:
        out["enableBehavior"] = "all" if len(item.show_if) > 1 else "any"
    return out


def _coding(system: str, code: str, display: str, text: Any, default: str) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": system, "code": code, "display": display}
    _put(coding, "_display", translation(text, default))
    return coding


def _put(target: dict[str, Any], key: str, value: object) -> None:
    if value is not None:
        target[key] = value
