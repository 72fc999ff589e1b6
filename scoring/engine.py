"""The scoring engine: answers + questionnaire -> `ScreeningResult`. Pure and deterministic.

Nothing here knows about screens, databases or files. Every rule comes from the questionnaire
(gate, categories, tiers, red flags); this module only applies them. Nothing is guessed: an
answer the questionnaire does not allow is an error naming the item.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from scoring._questions_seen import questions_seen
from scoring._red_flag_rules import rules_raised
from scoring.matching import RaisedFlag, holds, most_severe, raises, read_red_flags
from scoring.model import (
    AnswerValue,
    CategoryFinding,
    Item,
    Questionnaire,
    ScreeningResult,
    Tier,
)
from scoring.wording import Phrases


@dataclass(frozen=True, slots=True)
class AnswerProblem:
    """One thing wrong with the answers, tied to the item it concerns."""

    item: str
    message: str

    def __str__(self) -> str:
        return f"{self.item}: {self.message}"


class AnswersInvalid(ValueError):
    """The answers cannot be scored; `problems` names each item. `str()` is one line.

    `red_flags` are the red flags the raw answers raise all the same (`scoring.read_red_flags`):
    a refusal never drops urgency, so every caller can still say "urgent".
    """

    def __init__(self, problems: list[AnswerProblem], red_flags: tuple[RaisedFlag, ...] = ()) -> None:
        self.problems = tuple(problems)
        self.red_flags = red_flags
        super().__init__("; ".join(str(problem) for problem in problems))


def shown_items(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> tuple[Item, ...]:
    """The items a patient is asked, given these answers, in questionnaire order.

    An item is shown when every `show_if` condition holds on an item that is itself shown
    (the loader guarantees conditions point to earlier items and never loop).
    """
    shown: dict[str, AnswerValue | None] = {}
    for item in questionnaire.items:
        if _visible(item, shown):
            shown[item.id] = answers.get(item.id)
    return tuple(questionnaire.items_by_id[item_id] for item_id in shown)


def score(
    questionnaire: Questionnaire,
    answers: Mapping[str, object],
    language: str | None = None,
    *,
    partial: bool = False,
) -> ScreeningResult:
    """Score one set of answers. Raises `AnswersInvalid` (naming each item) for bad answers.

    `partial=True` scores the answers so far (a red flag raised before the end): required
    items not yet answered are not demanded, and the result says `complete=False`.

    A red flag is never lost: one answered in its `urgent_if` while branching hides its item
    still makes the result urgent (with a warning), and `AnswersInvalid` carries the red flags
    the raw answers raise (`scoring.read_red_flags`), whatever else is wrong with them.
    """
    language = language or questionnaire.languages[0]
    if language not in questionnaire.languages:
        raise AnswersInvalid(
            [AnswerProblem("language", f"'{language}' is not one of {', '.join(questionnaire.languages)}")],
            read_red_flags(questionnaire, answers),
        )
    unknown = answers.keys() - questionnaire.items_by_id.keys()
    problems = [AnswerProblem(str(item_id), "unknown item") for item_id in sorted(unknown, key=str)]

    # One pass in questionnaire order: check each answer, then what was shown, what counted,
    # what is missing and which red flags are raised. (This is the hot path; keep it flat.)
    shown: dict[str, AnswerValue | None] = {}
    counted: list[tuple[str, AnswerValue]] = []
    missing: list[AnswerProblem] = []
    hidden: list[str] = []
    red_flags: list[str] = []
    for conditions, group in questionnaire.groups:
        visible = True
        for condition in conditions:  # once per group of items
            if not holds(condition, shown):
                visible = False
                break
        for item in group:
            raw = answers.get(item.id)
            value: AnswerValue | None = None
            if raw is not None:
                if item.kind == "single" and raw.__class__ is str and raw in item.codes:
                    value = raw
                else:
                    value = _check_value(item, raw)
                    if value is None:
                        problems.append(AnswerProblem(item.id, _describe_problem(item, raw)))
                        continue
                    if value == ():  # an empty multiple choice is no answer (a 0 is an answer)
                        value = None
            if not visible:
                if value is not None and raises(item, value):  # a "yes" is never ignored
                    red_flags.append(item.id)
                    counted.append((item.id, value))
                    hidden.append(f"{item.id}: answered {_codes(value)} though not asked (hidden by "
                                  "branching); the red flag still counts: urgent (when in doubt, urgent)")
                elif value is not None:
                    hidden.append(f"{item.id}: answered but not asked (hidden by branching); ignored")
                continue
            shown[item.id] = value
            if value is None:
                if item.required:
                    missing.append(AnswerProblem(item.id, "required answer missing"))
                continue
            counted.append((item.id, value))
            # Red flags are read from every shown item, whatever the tier: urgent always wins.
            if item.red_flag is not None and raises(item, value):  # a multiple choice: any code
                red_flags.append(item.id)
    if problems or (missing and not partial):
        raise AnswersInvalid(problems + missing, read_red_flags(questionnaire, answers))
    red_flags += rules_raised(questionnaire, shown)  # combinations (red_flag_rules)
    shown_ids = tuple(shown)
    if partial:  # asked so far: up to the last answered item
        last = max((index for index, value in enumerate(shown.values()) if value is not None), default=-1)
        shown_ids = shown_ids[: last + 1]

    gate_met = all(holds(condition, shown) for condition in questionnaire.gate)
    counting = questionnaire.category_met_if
    findings = []
    for category in questionnaire.categories:
        yes_items = tuple([item_id for item_id in category.items if shown.get(item_id) in counting])
        findings.append(CategoryFinding(category.id, bool(yes_items), yes_items))
    categories_met = tuple(finding.category for finding in findings if finding.met)
    counts: dict[frozenset[str] | None, int] = {None: len(categories_met)}

    def met_counting(codes: frozenset[str] | None) -> int:  # a tier rule's own `count:`
        if codes not in counts:
            counts[codes] = categories_counted(questionnaire, shown, codes)  # type: ignore[arg-type]
        return counts[codes]

    tier = next(tier for tier in questionnaire.tiers if _tier_holds(tier, gate_met, met_counting, shown))
    return ScreeningResult(
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        questionnaire_hash=questionnaire.content_hash,
        language=language,
        tier=tier.id,
        referral_suggested=tier.referral,
        urgent=bool(red_flags),
        gate_met=gate_met,
        red_flags=tuple(red_flags),
        categories_met=categories_met,
        findings=tuple(findings),
        reasons=_reasons(questionnaire.phrases[language], gate_met, findings, red_flags),
        warnings=tuple(hidden),
        answers=tuple(counted),
        shown=shown_ids,
        red_flag_level=most_severe(*[questionnaire.red_flag_of(flag_id).level  # type: ignore[union-attr]
                                     for flag_id in red_flags]),  # items' and red-flag rules' levels
        complete=not partial,
        questions_seen=questions_seen(questionnaire, shown_ids, language),
    )


def _tier_holds(
    tier: Tier, gate_met: bool, met_counting: Callable[[frozenset[str] | None], int],
    shown: Mapping[str, AnswerValue | None],
) -> bool:
    """The tier's `when`: any one rule whose every need holds; no rules means always.

    `met_counting(codes)` is the number of categories met when `codes` count (None: the
    questionnaire's `category_met_if`), for a rule's own `count:`.
    """
    if not tier.when:
        return True
    for rule in tier.when:
        if rule.gate is not None and rule.gate is not gate_met:
            continue
        met = met_counting(rule.count)
        if met < rule.min_categories or (rule.max_categories is not None and met > rule.max_categories):
            continue
        if all(holds(condition, shown) for condition in rule.answers):
            return True
    return False


def categories_counted(
    questionnaire: Questionnaire, shown: Mapping[str, AnswerValue | None], codes: frozenset[str]
) -> int:
    """How many categories have an item answered with one of `codes` (a tier rule's `count:`)."""
    return sum(any(shown.get(item_id) in codes for item_id in category.items) for category in questionnaire.categories)


def _visible(item: Item, shown: Mapping[str, AnswerValue | None]) -> bool:
    """Every condition holds on an answer to a shown item (hidden items are absent from `shown`)."""
    return all(holds(condition, shown) for condition in item.show_if)


def _reasons(
    phrases: Phrases,
    gate_met: bool,
    findings: list[CategoryFinding],
    red_flags: list[str],
) -> tuple[str, ...]:
    """Plain sentences: the gate, one per counting answer, the count, then each red flag."""
    reasons = [phrases.gate_met if gate_met else phrases.gate_not_met]
    met = 0
    for finding in findings:
        if finding.met:
            met += 1
            reasons += [phrases.category_met[item_id] for item_id in finding.items]
    reasons.append(phrases.category_count[met])
    if findings and met == len(findings):
        reasons.append(phrases.all_categories)
    reasons += [phrases.red_flag[item_id] for item_id in red_flags]
    return tuple(reasons)


def _codes(value: AnswerValue) -> str:
    return repr(list(value)) if isinstance(value, tuple) else repr(value)


def _check_value(item: Item, value: object) -> AnswerValue | None:
    """The normalised answer (`()` for an empty multiple choice), or None when not allowed."""
    if item.kind == "single":
        return value if isinstance(value, str) and value in item.codes else None
    if item.kind == "multiple":
        if not isinstance(value, (list, tuple)) or len(set(value)) != len(value):
            return None
        if not all(isinstance(code, str) and code in item.codes for code in value):
            return None
        return tuple(choice.code for choice in item.choices if choice.code in value)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    assert item.minimum is not None and item.maximum is not None
    return value if item.minimum <= value <= item.maximum else None


def _describe_problem(item: Item, value: object) -> str:
    shown = repr(value) if not isinstance(value, (list, tuple)) else repr(list(value))
    if item.kind == "integer":
        return f"{shown} is not a whole number from {item.minimum} to {item.maximum}"
    allowed = ", ".join(choice.code for choice in item.choices)
    if item.kind == "multiple":
        if not isinstance(value, (list, tuple)):
            return f"{shown} must be a list of answers (any of: {allowed})"
        if len(set(value)) != len(value):
            return f"{shown} lists an answer twice"
        return f"{shown} has an answer that is not one of: {allowed}"
    return f"{shown} is not one of: {allowed}"
