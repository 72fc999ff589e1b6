"""A FHIR QuestionnaireResponse (ours, or captured by a portal) -> the flat answers `score` takes.

Strict: the response must name our questionnaire's url|version; every linkId must be one of our
items and appear once; codes must be in the item's answers (and in our code system when a
system is given); numbers must be `valueInteger`. Each refusal is one line naming the item.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scoring.fhir.names import FhirNames
from scoring.matching import RaisedFlag, read_red_flags
from scoring.model import Item, Questionnaire
from scoring.safe_text import printable

RESPONSE_STATUSES = frozenset({"in-progress", "completed", "amended", "entered-in-error", "stopped"})
"""R4 value set questionnaire-answers-status."""
_MAX_NESTING = 8


class ResponseInvalid(ValueError):
    """The response cannot be scored against this questionnaire; `str()` is one short line.

    `red_flags`: the red flags its raw answers raise all the same (a refusal never drops urgency).
    """

    red_flags: tuple[RaisedFlag, ...] = ()


def is_questionnaire_response(document: object) -> bool:
    return isinstance(document, Mapping) and document.get("resourceType") == "QuestionnaireResponse"


def is_in_progress(response: Mapping[str, Any]) -> bool:
    """An `in-progress` response is scored as the answers so far (`score(..., partial=True)`)."""
    return response.get("status") == "in-progress"


def answers_from_response(
    questionnaire: Questionnaire, response: Mapping[str, Any], *, base_url: str = ""
) -> dict[str, object]:
    """Item id -> answer (a code, a list of codes or a whole number), ready for `score`.

    On a refusal, `ResponseInvalid.red_flags` holds the red flags read from the raw response
    (any version, any status, whatever else is wrong), so the caller can still say urgent.
    """
    try:
        return _answers(questionnaire, response, base_url)
    except ResponseInvalid as exc:
        exc.red_flags = read_red_flags(questionnaire, raw_red_flag_answers(questionnaire, response))
        raise


def raw_red_flag_answers(questionnaire: Questionnaire, response: Mapping[str, Any]) -> dict[str, object]:
    """The red-flag items' answers as given (codes, or the raw value when there is no code),
    read leniently: never raises, whatever the response looks like."""
    found: dict[str, list[object]] = {}
    try:
        for entry in _items(response.get("item", []), 0):
            link_id = entry.get("linkId")
            answers = entry.get("answer")
            if not isinstance(link_id, str) or not isinstance(answers, list):
                continue
            item = questionnaire.items_by_id.get(link_id)
            if item is None or item.red_flag is None:
                continue
            for answer in answers:
                coding = answer.get("valueCoding") if isinstance(answer, Mapping) else None
                code = coding.get("code") if isinstance(coding, Mapping) else None
                found.setdefault(link_id, []).append(code if code is not None else _raw_value(answer))
    except (ResponseInvalid, AttributeError, TypeError):
        pass  # what was read so far stands
    return {link_id: codes[0] if len(codes) == 1 else codes for link_id, codes in found.items()}


def _raw_value(answer: object) -> object:
    """An answer without a code (valueString "yes", valueBoolean true): its value as given."""
    if isinstance(answer, Mapping):
        values = [value for key, value in answer.items() if str(key).startswith("value")]
        return values[0] if values else answer
    return answer


def _answers(questionnaire: Questionnaire, response: Mapping[str, Any], base_url: str) -> dict[str, object]:
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
