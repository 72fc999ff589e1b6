"""A FHIR QuestionnaireResponse (ours, or captured by a portal) -> the flat answers `score` takes.

Strict: the response must name our questionnaire's url|version; every linkId must be one of our
items and appear once; codes must be in the item's answers (and in our code system when a
system is given); numbers must be `valueInteger`. Each refusal is one line naming the item.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scoring.fhir.names import FhirNames
from scoring.model import Item, Questionnaire
from scoring.safe_text import printable

RESPONSE_STATUSES = frozenset({"in-progress", "completed", "amended", "entered-in-error", "stopped"})
"""R4 value set questionnaire-answers-status."""
_MAX_NESTING = 8


class ResponseInvalid(ValueError):
    """The response cannot be scored against this questionnaire; `str()` is one short line."""


def is_questionnaire_response(document: object) -> bool:
    return isinstance(document, Mapping) and document.get("resourceType") == "QuestionnaireResponse"


def is_in_progress(response: Mapping[str, Any]) -> bool:
    """An `in-progress` response is scored as the answers so far (`score(..., partial=True)`)."""
    return response.get("status") == "in-progress"


def answers_from_response(
    questionnaire: Questionnaire, response: Mapping[str, Any], *, base_url: str = ""
) -> dict[str, object]:
    """Item id -> answer (a code, a list of codes or a whole number), ready for `score`."""
    names = FhirNames.of(questionnaire, base_url)
    if response.get("resourceType") != "QuestionnaireResponse":
        raise ResponseInvalid(f"resourceType is {printable(response.get('resourceType'))!s}, not QuestionnaireResponse")
    _check_questionnaire(response.get("questionnaire"), names.questionnaire, questionnaire.version)
    status = response.get("status")
    if status not in RESPONSE_STATUSES:
        raise ResponseInvalid(f"status {printable(status)} is not a QuestionnaireResponse status")
    if status in {"entered-in-error", "stopped"}:
        raise ResponseInvalid(f"status is {status}: the response is not to be scored")
    answer_system = names.system("answer")
    answers: dict[str, object] = {}
    for entry in _items(response.get("item", []), 0):
        link_id = entry.get("linkId")
        where = f"item {printable(link_id)}"
        if not isinstance(link_id, str) or link_id not in questionnaire.items_by_id:
            raise ResponseInvalid(f"{where}: unknown linkId (not an item of {questionnaire.id})")
        if link_id in answers:
            raise ResponseInvalid(f"{where}: linkId appears twice")
        value = _value(questionnaire.item(link_id), entry.get("answer", []), answer_system, where)
        if value is not None:
            answers[link_id] = value
    return answers


def _check_questionnaire(named: object, url: str, version: str) -> None:
    if not isinstance(named, str):
        raise ResponseInvalid(f"questionnaire is missing; expected {url}|{version}")
    given_url, _, given_version = named.partition("|")
    if given_url != url:
        raise ResponseInvalid(f"questionnaire {printable(named, 100)} is not {url}")
    if given_version != version:
        shown = printable(given_version) if given_version else "no version"
        raise ResponseInvalid(f"questionnaire version {shown} is not {version} (score it with that version's file)")


def _items(items: object, depth: int) -> Iterator[Mapping[str, Any]]:
    """Every item with a linkId, nested ones included (groups, answers' child items)."""
    if depth > _MAX_NESTING:
        raise ResponseInvalid(f"items nested more than {_MAX_NESTING} deep")
    if not isinstance(items, list):
        raise ResponseInvalid("item must be a list")
    for entry in items:
        if not isinstance(entry, Mapping):
            raise ResponseInvalid("each item must be an object")
        yield entry
        yield from _items(entry.get("item", []), depth + 1)
        answers = entry.get("answer", [])
        for answer in answers if isinstance(answers, list) else []:
            if isinstance(answer, Mapping) and "item" in answer:
                yield from _items(answer["item"], depth + 1)


def _value(item: Item, answers: object, system: str, where: str) -> object:
    if not isinstance(answers, list):
        raise ResponseInvalid(f"{where}: answer must be a list")
    values = [_one(item, answer, system, where) for answer in answers]
    if not values:
        return None
    if item.kind == "multiple":
        return values
    if len(values) > 1:
        raise ResponseInvalid(f"{where}: {len(values)} answers to a question that takes one")
    return values[0]


def _one(item: Item, answer: object, system: str, where: str) -> object:
    if not isinstance(answer, Mapping):
        raise ResponseInvalid(f"{where}: each answer must be an object")
    if item.kind == "integer":
        number = answer.get("valueInteger")
        if isinstance(number, bool) or not isinstance(number, int):
            raise ResponseInvalid(f"{where}: needs valueInteger from {item.minimum} to {item.maximum}")
        return number
    coding = answer.get("valueCoding")
    if not isinstance(coding, Mapping) or not isinstance(coding.get("code"), str):
        raise ResponseInvalid(f"{where}: needs valueCoding with a code")
    code, given_system = coding["code"], coding.get("system")
    if given_system is not None and given_system != system:
        raise ResponseInvalid(f"{where}: code system {printable(given_system, 100)} is not {system}")
    if code not in item.codes:
        allowed = ", ".join(choice.code for choice in item.choices)
        raise ResponseInvalid(f"{where}: code {printable(code)} is not one of: {allowed}")
    return code
