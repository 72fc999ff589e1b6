"""The loader's scoring section: categories, tiers (their `when` rules) and messages."""

from __future__ import annotations

import string
from collections.abc import Mapping

from scoring._fields import as_written, listify
from scoring._items import ItemReader
from scoring.model import Category, Condition, Item, Text, Tier, TierRule

_RULE_KEYS = {"gate", "min_categories", "max_categories", "answers", "count"}
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


class RulesReader(ItemReader):
    """Reads `categories`, `scoring` and `messages`; items are read first (rules name them)."""

    def categories(self, raw: object, items: tuple[Item, ...]) -> tuple[Category, ...]:
        result: list[Category] = []
        for where, category_id, fields in self.entries("categories", raw):
            self.keys(where, fields, {"id", "label"}, {"id", "label"})
            members = tuple(item.id for item in items if item.category == category_id)
            if not members:
                self.problem(where, "no item counts for this category")
            result.append(Category(category_id, self.text(f"{where}.label", fields.get("label")), members))
        ids = {category.id for category in result}
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
                values = self.string_list(spot, [as_written(v) for v in listify(codes)])
                condition = Condition(str(item_id), frozenset(values))
                self.check_condition(spot, condition, items_by_id)
                conditions.append(condition)
        count = None
        if fields.get("count") is not None:  # which answers make a category count for this rule
            count = frozenset(self.string_list(f"{where}.count", [as_written(v) for v in listify(fields["count"])]))
            scored = [item for item in items_by_id.values() if item.category is not None]
            for code in sorted(count):
                if code and not any(code in item.codes for item in scored):
                    self.problem(f"{where}.count", f"'{code}' is not an answer of any category item")
        return TierRule(gate, minimum or 0, maximum, tuple(conditions), count)

    def tiers(self, raw: object, category_count: int, items_by_id: Mapping[str, Item]) -> tuple[Tier, ...]:
        result: list[Tier] = []
        for where, tier_id, fields in self.entries("scoring.tiers", raw):
            self.keys(where, fields, {"id", "label", "message", "referral", "when"}, {"id", "label", "message"})
            result.append(
                Tier(
                    id=tier_id,
                    label=self.text(f"{where}.label", fields.get("label")),
                    message=self.text(f"{where}.message", fields.get("message")),
                    referral=self.boolean(f"{where}.referral", fields.get("referral")),
                    when=self.tier_rules(f"{where}.when", fields.get("when"), category_count, items_by_id),
                )
            )
        for tier in result[:-1]:
            if not tier.when:
                self.problem(f"scoring.tiers[{tier.id}].when", "missing; only the last tier may have no needs")
        if result and result[-1].when:
            self.problem(f"scoring.tiers[{result[-1].id}].when", "the last tier is the fallback and takes no 'when'")
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

