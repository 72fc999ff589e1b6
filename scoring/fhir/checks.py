"""Our checks on the FHIR we write, beyond what `fhir.resources` does (it checks structure only).

Each function returns a list of one-line problems (empty when all is well): linkIds unique,
every `enableWhen.question` exists and comes earlier, codes in their item's answerOptions,
`status` and other coded values from the R4 value sets, references inside a Bundle resolve.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

QUESTIONNAIRE_STATUSES = frozenset({"draft", "active", "retired", "unknown"})  # publication-status
RESPONSE_STATUSES = frozenset({"in-progress", "completed", "amended", "entered-in-error", "stopped"})
OBSERVATION_STATUSES = frozenset(
    {"registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"}
)
ITEM_TYPES = frozenset(
    {"group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time", "string", "text",
     "url", "choice", "open-choice", "attachment", "reference", "quantity"}
)
ENABLE_OPERATORS = frozenset({"exists", "=", "!=", ">", "<", ">=", "<="})
BUNDLE_TYPES = frozenset(
    {"document", "message", "transaction", "transaction-response", "batch", "batch-response", "history",
     "searchset", "collection"}
)


def check_questionnaire(resource: Mapping[str, Any]) -> list[str]:
    problems = _status(resource, QUESTIONNAIRE_STATUSES)
    seen: dict[str, Mapping[str, Any]] = {}
    for item in _walk(resource.get("item", [])):
        link_id = item.get("linkId")
        where = f"item {link_id}"
        if link_id in seen:
            problems.append(f"{where}: linkId used twice")
        if item.get("type") not in ITEM_TYPES:
            problems.append(f"{where}: type {item.get('type')!r} is not an R4 item type")
        whens = item.get("enableWhen", [])
        if len(whens) > 1 and item.get("enableBehavior") not in {"all", "any"}:
            problems.append(f"{where}: several enableWhen need enableBehavior all or any")
        for when in whens:
            problems += _enable_when(where, when, seen)
        options = _option_codes(item)
        if item.get("type") == "choice" and not options:
            problems.append(f"{where}: a choice item without answerOption")
        seen[str(link_id)] = item
    return problems


def check_response(response: Mapping[str, Any], questionnaire: Mapping[str, Any]) -> list[str]:
    """The response names `questionnaire` (url|version) and every answer fits its item."""
    problems = _status(response, RESPONSE_STATUSES)
    expected = f"{questionnaire.get('url')}|{questionnaire.get('version')}"
    if response.get("questionnaire") != expected:
        problems.append(f"questionnaire {response.get('questionnaire')!r} is not {expected}")
    items = {item.get("linkId"): item for item in _walk(questionnaire.get("item", []))}
    seen: set[object] = set()
    for entry in _walk(response.get("item", [])):
        link_id = entry.get("linkId")
        where = f"item {link_id}"
        if link_id in seen:
            problems.append(f"{where}: linkId used twice")
        seen.add(link_id)
        item = items.get(link_id)
        if item is None:
            problems.append(f"{where}: not an item of the questionnaire")
            continue
        answers = entry.get("answer", [])
        if len(answers) > 1 and not item.get("repeats"):
            problems.append(f"{where}: several answers to an item that does not repeat")
        codes = _option_codes(item)
        for answer in answers:
            coding = answer.get("valueCoding")
            if coding is not None and (coding.get("system"), coding.get("code")) not in codes:
                problems.append(f"{where}: {coding.get('code')!r} is not one of its answerOptions")
    return problems


def check_observation(observation: Mapping[str, Any]) -> list[str]:
    problems = _status(observation, OBSERVATION_STATUSES)
    if not observation.get("derivedFrom"):
        problems.append(f"Observation {observation.get('id')}: no derivedFrom")
    if not any("not a diagnosis" in note.get("text", "") for note in observation.get("note", [])):
        problems.append(f"Observation {observation.get('id')}: no 'not a diagnosis' note")
    return problems


def check_bundle(bundle: Mapping[str, Any], questionnaire: Mapping[str, Any]) -> list[str]:
    """Each entry passes its check; every `derivedFrom` points at a resource in the Bundle."""
    problems = [] if bundle.get("type") in BUNDLE_TYPES else [f"Bundle type {bundle.get('type')!r} is not R4"]
    resources = [entry["resource"] for entry in bundle.get("entry", [])]
    present = {f"{r.get('resourceType')}/{r.get('id')}" for r in resources}
    for resource in resources:
        if resource.get("resourceType") == "QuestionnaireResponse":
            problems += check_response(resource, questionnaire)
        elif resource.get("resourceType") == "Observation":
            problems += check_observation(resource)
            problems += [
                f"Observation {resource.get('id')}: derivedFrom {ref.get('reference')} is not in the Bundle"
                for ref in resource.get("derivedFrom", [])
                if ref.get("reference") not in present
            ]
        else:
            problems.append(f"unexpected resource {resource.get('resourceType')}")
    return problems


def _status(resource: Mapping[str, Any], allowed: frozenset[str]) -> list[str]:
    status = resource.get("status")
    if status in allowed:
        return []
    return [f"{resource.get('resourceType')}: status {status!r} is not in the R4 value set"]


def _enable_when(where: str, when: Mapping[str, Any], earlier: Mapping[str, Mapping[str, Any]]) -> list[str]:
    target = earlier.get(when.get("question"))  # type: ignore[arg-type]
    if target is None:
        return [f"{where}: enableWhen question {when.get('question')!r} is not an earlier item"]
    if when.get("operator") not in ENABLE_OPERATORS:
        return [f"{where}: enableWhen operator {when.get('operator')!r} is not R4"]
    coding = when.get("answerCoding")
    if coding is not None and (coding.get("system"), coding.get("code")) not in _option_codes(target):
        return [f"{where}: enableWhen answer {coding.get('code')!r} is not an answerOption of {when.get('question')}"]
    return []


def _option_codes(item: Mapping[str, Any]) -> set[tuple[object, object]]:
    return {
        (option["valueCoding"].get("system"), option["valueCoding"].get("code"))
        for option in item.get("answerOption", [])
        if "valueCoding" in option
    }


def _walk(items: list[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    for item in items:
        yield item
        yield from _walk(item.get("item", []))
        for answer in item.get("answer", []):
            yield from _walk(answer.get("item", []))
