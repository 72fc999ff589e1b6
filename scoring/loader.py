"""Load a questionnaire YAML file into a frozen `Questionnaire`, or say exactly what is wrong.

Every problem is collected (not just the first) and named as ``FILE: WHERE: WHAT``, for example
``questionnaires/crps.yaml: items[swelling].show_if: unknown item 'pain_presnt'``.
Only `yaml.safe_load` is used: a questionnaire file can never run code.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from scoring.model import (
    Category,
    Choice,
    Condition,
    Item,
    ItemKind,
    Questionnaire,
    RedFlag,
    RedFlagLevel,
    Text,
    Tier,
    TierRule,
)
from scoring.wording import reason_phrases

_TOP_KEYS = {
    "id", "version", "source", "languages", "title", "answer_sets", "categories", "items",
    "scoring", "messages",
}
_TOP_REQUIRED = {"id", "version", "source", "languages", "title", "categories", "items", "scoring"}
_ITEM_KEYS = {
    "id", "type", "text", "short", "help", "answers", "required", "category", "red_flag",
    "show_if", "min", "max", "min_label", "max_label",
}
_KINDS: tuple[ItemKind, ...] = ("single", "multiple", "integer")
_LEVELS: tuple[RedFlagLevel, ...] = ("emergency", "same_day", "talk_now")
_RULE_KEYS = {"gate", "min_categories", "max_categories", "answers"}
_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
# Placeholders each engine message may use; a typo like {categroy} is caught at load.
_MESSAGE_FIELDS: Mapping[str, frozenset[str]] = {
    "reason_category_met": frozenset({"category", "item"}),
    "reason_gate_met": frozenset(),
    "reason_gate_not_met": frozenset(),
    "reason_category_count": frozenset({"count", "total"}),
    "reason_all_categories": frozenset(),
    "reason_red_flag": frozenset({"item"}),
    "answer_not_asked": frozenset(),
    "answer_skipped": frozenset(),
    "answer_number": frozenset({"value", "maximum"}),
}


class QuestionnaireError(ValueError):
    """A questionnaire file that cannot be used; `problems` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(problems))


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and validate one questionnaire file; raise `QuestionnaireError` listing every problem."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionnaireError([f"{name}: cannot read file: {exc}"]) from None
    return parse_questionnaire(text, name)


def parse_questionnaire(text: str, name: str = "<questionnaire>") -> Questionnaire:
    """Validate questionnaire YAML given as text; `name` is used in messages."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise QuestionnaireError([f"{name}: {where}not valid YAML: {problem}"]) from None
    builder = _Builder(name)
    questionnaire = builder.build(document, text)
    if builder.problems or questionnaire is None:
        raise QuestionnaireError(builder.problems or [f"{name}: empty questionnaire"])
    return dataclasses.replace(
        questionnaire, phrases=reason_phrases(questionnaire), groups=_visibility_groups(questionnaire.items)
    )


def _visibility_groups(
    items: tuple[Item, ...],
) -> tuple[tuple[tuple[Condition, ...], tuple[Item, ...]], ...]:
    """Consecutive items with the same show_if. A group's conditions never name an item of the
    group itself (that would be an item depending on itself), so they can be checked once."""
    groups: list[tuple[tuple[Condition, ...], list[Item]]] = []
    for item in items:
        if groups and groups[-1][0] == item.show_if:
            groups[-1][1].append(item)
        else:
            groups.append((item.show_if, [item]))
    return tuple((conditions, tuple(members)) for conditions, members in groups)


def content_hash(document: object) -> str:
    """SHA-256 of the parsed document as canonical JSON: comments and layout do not change it."""
    try:
        canonical = json.dumps(
            document, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
        )
    except TypeError:  # mixed key types (a broken file): still hash something stable
        canonical = repr(document)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _Builder:
    """Walks the parsed document once, building the model and recording every problem."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[str] = []
        self.languages: tuple[str, ...] = ()

    def problem(self, where: str, what: str) -> None:
        self.problems.append(f"{self.name}: {where}: {what}")

    # -- small typed readers -------------------------------------------------------------

    def keys(self, where: str, raw: Mapping[str, Any], allowed: set[str], required: set[str]) -> None:
        for key in raw:
            if key not in allowed:
                self.problem(f"{where}.{key}" if where else str(key), "unknown key")
        for key in sorted(required - set(raw)):
            self.problem(f"{where}.{key}" if where else key, "missing")

    def mapping(self, where: str, raw: object) -> Mapping[str, Any] | None:
        if isinstance(raw, Mapping):
            return raw
        self.problem(where, f"must be a mapping, not {_kind(raw)}")
        return None

    def string(self, where: str, raw: object) -> str:
        if isinstance(raw, str) and raw.strip():
            return raw.strip()
        self.problem(where, "must be non-empty text" if raw is not None else "missing")
        return ""

    def identifier(self, where: str, raw: object) -> str:
        value = self.string(where, raw)
        if value and not _ID.match(value):
            self.problem(where, f"'{value}' must be lower case letters, digits and _")
        return value

    def boolean(self, where: str, raw: object, default: bool = False) -> bool:
        if raw is None:
            return default
        if isinstance(raw, bool):
            return raw
        self.problem(where, f"must be true or false, not {_kind(raw)}")
        return default

    def integer(self, where: str, raw: object) -> int | None:
        if raw is None:
            return None
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        self.problem(where, f"must be a whole number, not {_kind(raw)}")
        return None

    def text(self, where: str, raw: object) -> Text:
        """A string given in every declared language."""
        values = self.mapping(where, raw)
        if values is None:
            return Text(())
        pairs: list[tuple[str, str]] = []
        for language in self.languages:
            value = values.get(language)
            if not isinstance(value, str) or not value.strip():
                self.problem(f"{where}.{language}", "missing text for this language")
                continue
            pairs.append((language, value.strip()))
        for extra in values:
            if extra not in self.languages:
                self.problem(f"{where}.{extra}", "language not listed in 'languages'")
        return Text(tuple(pairs))

    def string_list(self, where: str, raw: object) -> tuple[str, ...]:
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not raw:
            self.problem(where, "must be a non-empty list")
            return ()
        return tuple(self.string(f"{where}[{index}]", value) for index, value in enumerate(raw))

    # -- sections ------------------------------------------------------------------------

    def build(self, document: object, text: str) -> Questionnaire | None:
        if document is None:
            self.problem("file", "is empty")
            return None
        top = self.mapping("file", document)
        if top is None:
            return None
        self.keys("", top, _TOP_KEYS, _TOP_REQUIRED)
        self.languages = self.string_list("languages", top.get("languages", ["en"]))
        if len(set(self.languages)) != len(self.languages):
            self.problem("languages", "listed twice")
        answer_sets = self.answer_sets(top.get("answer_sets", {}))
        categories_raw = top.get("categories") or []
        items = self.items(top.get("items"), answer_sets)
        items_by_id = {item.id: item for item in items}
        categories = self.categories(categories_raw, items)
        self.check_branching(items, items_by_id)
        scoring = self.mapping("scoring", top.get("scoring", {})) or {}
        self.keys("scoring", scoring, {"gate", "category_met_if", "tiers"}, {"gate", "tiers"})
        gate = self.conditions("scoring.gate", scoring.get("gate"), items_by_id)
        category_met_if = frozenset(
            self.string_list("scoring.category_met_if", scoring.get("category_met_if", ["yes"]))
        )
        self.check_category_answers(items, category_met_if)
        tiers = self.tiers(scoring.get("tiers"), len(categories), items_by_id)
        self.check_red_flags(items, items_by_id)
        messages = self.messages(top.get("messages", {}))
        return Questionnaire(
            id=self.identifier("id", top.get("id")),
            version=self.string("version", _as_text(top.get("version"))),
            title=self.text("title", top.get("title")),
            source=self.string("source", top.get("source")),
            languages=self.languages,
            items=items,
            categories=categories,
            gate=gate,
            category_met_if=category_met_if,
            tiers=tiers,
            messages=messages,
            content_hash=content_hash(document),
            path=self.name,
            items_by_id=items_by_id,
        )

    def choices(self, where: str, raw: object) -> tuple[Choice, ...]:
        if not isinstance(raw, list) or not raw:
            self.problem(where, "must be a non-empty list of answers")
            return ()
        result: list[Choice] = []
        for index, entry in enumerate(raw):
            spot = f"{where}[{index}]"
            fields = self.mapping(spot, entry)
            if fields is None:
                continue
            self.keys(spot, fields, {"code", "label"}, {"code", "label"})
            code = self.identifier(f"{spot}.code", _as_text(fields.get("code")))
            result.append(Choice(code, self.text(f"{spot}.label", fields.get("label"))))
        codes = [choice.code for choice in result]
        for code in sorted({code for code in codes if codes.count(code) > 1}):
            self.problem(where, f"answer code '{code}' listed twice")
        return tuple(result)

    def answer_sets(self, raw: object) -> dict[str, tuple[Choice, ...]]:
        sets = self.mapping("answer_sets", raw) or {}
        return {str(name): self.choices(f"answer_sets.{name}", entries) for name, entries in sets.items()}

    def items(self, raw: object, answer_sets: Mapping[str, tuple[Choice, ...]]) -> tuple[Item, ...]:
        if not isinstance(raw, list) or not raw:
            self.problem("items", "must be a non-empty list")
            return ()
        items: list[Item] = []
        seen: set[str] = set()
        for index, entry in enumerate(raw):
            fields = self.mapping(f"items[{index}]", entry)
            if fields is None:
                continue
            item_id = self.identifier(f"items[{index}].id", fields.get("id"))
            where = f"items[{item_id or index}]"
            if item_id in seen:
                self.problem(f"{where}.id", f"'{item_id}' is used by an earlier item")
            seen.add(item_id)
            items.append(self.item(where, item_id, fields, answer_sets))
        return tuple(items)

    def item(
        self, where: str, item_id: str, fields: Mapping[str, Any],
        answer_sets: Mapping[str, tuple[Choice, ...]],
    ) -> Item:
        self.keys(where, fields, _ITEM_KEYS, {"id", "type", "text", "short"})
        kind_raw = fields.get("type")
        kind: ItemKind = "single"
        if kind_raw in _KINDS:
            kind = kind_raw
        else:
            self.problem(f"{where}.type", f"unknown type {kind_raw!r}; use one of {', '.join(_KINDS)}")
        choices: tuple[Choice, ...] = ()
        answers = fields.get("answers")
        if kind == "integer":
            if answers is not None:
                self.problem(f"{where}.answers", "an integer item takes min and max, not answers")
        elif isinstance(answers, str):
            if answers in answer_sets:
                choices = answer_sets[answers]
            else:
                self.problem(f"{where}.answers", f"unknown answer set '{answers}'")
        else:
            choices = self.choices(f"{where}.answers", answers)
        minimum = self.integer(f"{where}.min", fields.get("min"))
        maximum = self.integer(f"{where}.max", fields.get("max"))
        if kind == "integer":
            if minimum is None or maximum is None:
                self.problem(where, "an integer item needs both min and max")
            elif minimum > maximum:
                self.problem(f"{where}.min", f"{minimum} is above max {maximum}")
        else:
            for key in ("min", "max", "min_label", "max_label"):
                if key in fields:
                    self.problem(f"{where}.{key}", f"only an integer item takes {key}")
        category = fields.get("category")
        if category is not None and not isinstance(category, str):
            self.problem(f"{where}.category", "must be exactly one category id")
            category = None
        if category is not None and kind != "single":
            self.problem(f"{where}.category", "only a single-choice item can count for a category")
        return Item(
            id=item_id,
            kind=kind,
            text=self.text(f"{where}.text", fields.get("text")),
            short=self.text(f"{where}.short", fields.get("short")),
            choices=choices,
            help=self.text(f"{where}.help", fields["help"]) if "help" in fields else None,
            required=self.boolean(f"{where}.required", fields.get("required")),
            category=category,
            red_flag=self.red_flag(f"{where}.red_flag", fields.get("red_flag"), choices),
            show_if=self.raw_conditions(f"{where}.show_if", fields.get("show_if")),
            minimum=minimum,
            maximum=maximum,
            min_label=self.optional_text(f"{where}.min_label", fields.get("min_label")),
            max_label=self.optional_text(f"{where}.max_label", fields.get("max_label")),
            codes=frozenset(choice.code for choice in choices),
        )

    def optional_text(self, where: str, raw: object) -> Text | None:
        return None if raw is None else self.text(where, raw)

    def red_flag(self, where: str, raw: object, choices: tuple[Choice, ...]) -> RedFlag | None:
        if raw is None:
            return None
        fields = self.mapping(where, raw)
        if fields is None:
            return None
        needed = {"urgent_if", "concern", "level", "message"}
        self.keys(where, fields, needed, needed)
        level_raw = fields.get("level")
        level: RedFlagLevel = "emergency"
        if level_raw in _LEVELS:
            level = level_raw
        elif level_raw is not None:
            self.problem(f"{where}.level", f"unknown level {level_raw!r}; use one of {', '.join(_LEVELS)}")
        urgent_if = frozenset(self.string_list(f"{where}.urgent_if", fields.get("urgent_if")))
        codes = {choice.code for choice in choices}
        for code in sorted(urgent_if - codes):
            if code:
                self.problem(f"{where}.urgent_if", f"'{code}' is not one of this item's answers")
        return RedFlag(
            urgent_if,
            self.text(f"{where}.concern", fields.get("concern")),
            level,
            self.text(f"{where}.message", fields.get("message")),
        )

    def raw_conditions(self, where: str, raw: object) -> tuple[Condition, ...]:
        """Parse conditions; their references are checked once every item is known."""
        if raw is None:
            return ()
        entries = raw if isinstance(raw, list) else [raw]
        result: list[Condition] = []
        for index, entry in enumerate(entries):
            spot = where if len(entries) == 1 and not isinstance(raw, list) else f"{where}[{index}]"
            fields = self.mapping(spot, entry)
            if fields is None:
                continue
            self.keys(spot, fields, {"item", "in"}, {"item", "in"})
            item = self.string(f"{spot}.item", fields.get("item"))
            values = self.string_list(f"{spot}.in", [_as_text(v) for v in _listify(fields.get("in"))])
            result.append(Condition(item, frozenset(values)))
        return tuple(result)

    def conditions(
        self, where: str, raw: object, items_by_id: Mapping[str, Item]
    ) -> tuple[Condition, ...]:
        conditions = self.raw_conditions(where, raw)
        for condition in conditions:
            self.check_condition(where, condition, items_by_id)
        return conditions

    def check_condition(self, where: str, condition: Condition, items_by_id: Mapping[str, Item]) -> bool:
        target = items_by_id.get(condition.item)
        if target is None:
            if condition.item:
                self.problem(where, f"unknown item '{condition.item}'")
            return False
        if target.kind == "integer":
            self.problem(where, f"item '{condition.item}' is a number; conditions need a choice item")
            return False
        for value in sorted(condition.any_of - target.codes):
            self.problem(where, f"'{value}' is not an answer of item '{condition.item}'")
        return True

    def check_branching(self, items: tuple[Item, ...], items_by_id: Mapping[str, Item]) -> None:
        """Each show_if names a known item and answer, and branching never loops."""
        position = {item.id: index for index, item in enumerate(items)}
        for item in items:
            for condition in item.show_if:
                where = f"items[{item.id}].show_if"
                if condition.item == item.id:
                    self.problem(where, "an item cannot depend on itself")
                elif self.check_condition(where, condition, items_by_id) and (
                    position[condition.item] > position[item.id]
                    and not _reaches(condition.item, item.id, items_by_id)
                ):
                    self.problem(where, f"'{condition.item}' is asked later; it must come first")
        for cycle in _cycles(items, items_by_id):
            self.problem(f"items[{cycle[0]}].show_if", "branching loops: " + " -> ".join(cycle))

    def check_red_flags(self, items: tuple[Item, ...], items_by_id: Mapping[str, Item]) -> None:
        """A red flag can never be skipped or hidden by chance (CLINICAL.md §4): it is required,
        and its show_if (if any) names only items that are required and always shown."""
        for item in items:
            if item.red_flag is None:
                continue
            where = f"items[{item.id}]"
            if not item.required:
                self.problem(f"{where}.required", "a red-flag item must be required: true")
            for condition in item.show_if:
                target = items_by_id.get(condition.item)
                if target is not None and (not target.required or target.show_if):
                    self.problem(
                        f"{where}.show_if",
                        f"a red flag may depend only on a required, always-shown item; "
                        f"'{condition.item}' is not",
                    )

    def categories(self, raw: object, items: tuple[Item, ...]) -> tuple[Category, ...]:
        if not isinstance(raw, list) or not raw:
            self.problem("categories", "must be a non-empty list")
            return ()
        result: list[Category] = []
        for index, entry in enumerate(raw):
            fields = self.mapping(f"categories[{index}]", entry)
            if fields is None:
                continue
            category_id = self.identifier(f"categories[{index}].id", fields.get("id"))
            where = f"categories[{category_id or index}]"
            self.keys(where, fields, {"id", "label"}, {"id", "label"})
            members = tuple(item.id for item in items if item.category == category_id)
            if not members:
                self.problem(where, "no item counts for this category")
            result.append(Category(category_id, self.text(f"{where}.label", fields.get("label")), members))
        ids = [category.id for category in result]
        for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
            self.problem(f"categories[{duplicate}].id", "listed twice")
        for item in items:
            if item.category is not None and item.category not in ids:
                self.problem(f"items[{item.id}].category", f"unknown category '{item.category}'")
        return tuple(result)

    def check_category_answers(self, items: tuple[Item, ...], counting: frozenset[str]) -> None:
        for item in items:
            if item.category is not None and item.codes and not counting & item.codes:
                self.problem(
                    f"items[{item.id}].answers",
                    f"none of {sorted(counting)} (scoring.category_met_if) is an answer here",
                )

    def tier_rules(
        self, where: str, raw: object, category_count: int, items_by_id: Mapping[str, Item]
    ) -> tuple[TierRule, ...]:
        """`when`: one rule (a mapping of needs) or `{any_of: [rule, ...]}`."""
        if raw is None:
            return ()
        fields = self.mapping(where, raw)
        if fields is None:
            return ()
        if "any_of" in fields:
            self.keys(where, fields, {"any_of"}, {"any_of"})
            entries = fields["any_of"]
            if not isinstance(entries, list) or not entries:
                self.problem(f"{where}.any_of", "must be a non-empty list of rules")
                return ()
            rules = [
                self.tier_rule(f"{where}.any_of[{index}]", entry, category_count, items_by_id)
                for index, entry in enumerate(entries)
            ]
            return tuple(rule for rule in rules if rule is not None)
        rule = self.tier_rule(where, fields, category_count, items_by_id)
        return () if rule is None else (rule,)

    def tier_rule(
        self, where: str, raw: object, category_count: int, items_by_id: Mapping[str, Item]
    ) -> TierRule | None:
        fields = self.mapping(where, raw)
        if fields is None:
            return None
        self.keys(where, fields, _RULE_KEYS, set())
        if not fields:
            self.problem(where, f"needs at least one of {', '.join(sorted(_RULE_KEYS))}")
        gate = None if fields.get("gate") is None else self.boolean(f"{where}.gate", fields.get("gate"))
        bounds = []
        for key in ("min_categories", "max_categories"):
            value = self.integer(f"{where}.{key}", fields.get(key))
            if value is not None and not 0 <= value <= category_count:
                self.problem(f"{where}.{key}", f"{value} is outside 0..{category_count}")
            bounds.append(value)
        minimum, maximum = bounds
        if minimum is not None and maximum is not None and minimum > maximum:
            self.problem(f"{where}.min_categories", f"{minimum} is above max_categories {maximum}")
        conditions: list[Condition] = []
        answers = fields.get("answers")
        if answers is not None:
            entries = self.mapping(f"{where}.answers", answers) or {}
            for item_id, codes in entries.items():
                spot = f"{where}.answers.{item_id}"
                values = self.string_list(spot, [_as_text(v) for v in _listify(codes)])
                condition = Condition(str(item_id), frozenset(values))
                self.check_condition(spot, condition, items_by_id)
                conditions.append(condition)
        return TierRule(gate, minimum or 0, maximum, tuple(conditions))

    def tiers(self, raw: object, category_count: int, items_by_id: Mapping[str, Item]) -> tuple[Tier, ...]:
        if not isinstance(raw, list) or not raw:
            self.problem("scoring.tiers", "must be a non-empty list")
            return ()
        result: list[Tier] = []
        for index, entry in enumerate(raw):
            fields = self.mapping(f"scoring.tiers[{index}]", entry)
            if fields is None:
                continue
            tier_id = self.identifier(f"scoring.tiers[{index}].id", fields.get("id"))
            where = f"scoring.tiers[{tier_id or index}]"
            self.keys(where, fields, {"id", "label", "message", "referral", "when"}, {"id", "label", "message"})
            rules = self.tier_rules(f"{where}.when", fields.get("when"), category_count, items_by_id)
            is_last = index == len(raw) - 1
            if is_last and rules:
                self.problem(f"{where}.when", "the last tier is the fallback and takes no 'when'")
            if not is_last and not rules and "when" not in fields:
                self.problem(f"{where}.when", "missing; only the last tier may have no needs")
            result.append(
                Tier(
                    id=tier_id,
                    label=self.text(f"{where}.label", fields.get("label")),
                    message=self.text(f"{where}.message", fields.get("message")),
                    referral=self.boolean(f"{where}.referral", fields.get("referral")),
                    when=rules,
                )
            )
        ids = [tier.id for tier in result]
        for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
            self.problem(f"scoring.tiers[{duplicate}].id", "listed twice")
        return tuple(result)

    def messages(self, raw: object) -> Mapping[str, Text]:
        fields = self.mapping("messages", raw) or {}
        for key in sorted(set(_MESSAGE_FIELDS) - set(fields)):
            self.problem(f"messages.{key}", "missing (the scoring needs it)")
        result: dict[str, Text] = {}
        for key, value in fields.items():
            where = f"messages.{key}"
            text = self.text(where, value)
            allowed = _MESSAGE_FIELDS.get(str(key), frozenset())
            for language, sentence in text.by_language:
                try:
                    used = {name for _, name, _, _ in string.Formatter().parse(sentence) if name}
                except ValueError as exc:
                    self.problem(f"{where}.{language}", f"bad placeholder: {exc}")
                    continue
                for unknown in sorted(used - allowed):
                    self.problem(f"{where}.{language}", f"unknown placeholder {{{unknown}}}")
            result[str(key)] = text
        return result


def _reaches(start: str, goal: str, items_by_id: Mapping[str, Item]) -> bool:
    """True when `start` depends, through show_if, on `goal` (part of a loop)."""
    stack, seen = [start], set()
    while stack:
        current = stack.pop()
        if current == goal:
            return True
        if current in seen or current not in items_by_id:
            continue
        seen.add(current)
        stack.extend(condition.item for condition in items_by_id[current].show_if)
    return False


def _cycles(items: tuple[Item, ...], items_by_id: Mapping[str, Item]) -> list[list[str]]:
    """Each show_if loop once, as the list of ids around it (first id repeated at the end)."""
    found: list[list[str]] = []
    seen_loops: set[frozenset[str]] = set()

    def walk(current: str, path: list[str]) -> None:
        if current in path:
            loop = [*path[path.index(current):], current]
            if frozenset(loop) not in seen_loops:
                seen_loops.add(frozenset(loop))
                found.append(loop)
            return
        if current not in items_by_id:
            return
        for condition in items_by_id[current].show_if:
            if condition.item != current:
                walk(condition.item, [*path, current])

    for item in items:
        walk(item.id, [])
    return found


def _listify(raw: object) -> list[object]:
    if raw is None:
        return []
    return raw if isinstance(raw, list) else [raw]


def _as_text(raw: object) -> object:
    """YAML reads `yes`/`no` unquoted as booleans and `1.0` as a number; take them as written."""
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, (int, float)):
        return str(raw)
    return raw


def _kind(raw: object) -> str:
    return {dict: "a mapping", list: "a list", str: "text", type(None): "nothing"}.get(
        type(raw), type(raw).__name__
    )
