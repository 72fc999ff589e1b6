"""Red flags raised by a combination of answers (`red_flag_rules:`), and ids never reused.

Read by the loader (`RuleFlagReader`, mixed into its builder) and applied by the engine
(`rules_raised`, with `scoring.matching.holds`). A rule is data in the questionnaire: `all`
conditions that must every one hold, optional `any` conditions of which one must hold, a
`level`, and `short`, `concern` and `message` in every language (fever
with spreading redness is an emergency where each answer alone is same-day).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scoring._items import ItemReader
from scoring.matching import holds
from scoring.model import Condition, Item, Questionnaire, RedFlag, RedFlagAnswer, RedFlagRule

_RULE_KEYS = {"id", "all", "any", "level", "short", "concern", "message"}
_RULE_REQUIRED = {"id", "all", "level", "short", "concern", "message"}


class RuleFlagReader(ItemReader):
    """Reads `red_flag_rules` and `retired_ids`; every problem names file, rule and field."""

    def red_flag_rules(self, raw: object, items_by_id: Mapping[str, Item]) -> tuple[RedFlagRule, ...]:
        if raw is None:
            return ()
        rules: list[RedFlagRule] = []
        for where, rule_id, fields in self.entries("red_flag_rules", raw):
            rules.append(self._rule(where, rule_id, fields, items_by_id))
        return tuple(rules)

    def _rule(
        self, where: str, rule_id: str, fields: Mapping[str, Any], items_by_id: Mapping[str, Item]
    ) -> RedFlagRule:
        self.keys(where, fields, _RULE_KEYS, _RULE_REQUIRED)
        if rule_id in items_by_id:
            self.problem(f"{where}.id", f"'{rule_id}' is already an item id")
        level = self.level(f"{where}.level", fields.get("level"))
        every = self._conditions(f"{where}.all", fields.get("all"), items_by_id, needed=True)
        some = self._conditions(f"{where}.any", fields.get("any"), items_by_id, needed=False)
        return RedFlagRule(
            id=rule_id,
            all=every,
            any=some,
            short=self.text(f"{where}.short", fields.get("short")),
            red_flag=RedFlag(
                frozenset(),
                self.text(f"{where}.concern", fields.get("concern")),
                level,
                self.text(f"{where}.message", fields.get("message")),
            ),
        )

    def _conditions(
        self, where: str, raw: object, items_by_id: Mapping[str, Item], *, needed: bool
    ) -> tuple[Condition, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list) or not raw:
            if needed or raw is not None:
                self.problem(where, "must be a non-empty list of conditions")
            return ()
        conditions = self.raw_conditions(where, raw)
        for index, condition in enumerate(conditions):
            spot = f"{where}[{index}]"
            if not self.check_condition(spot, condition, items_by_id):
                continue
            target = items_by_id[condition.item]
            # Like an item's red flag: no rule can be skipped by chance.
            if not target.required or any(
                not (gate := items_by_id.get(c.item)) or not gate.required or gate.show_if
                for c in target.show_if
            ):
                self.problem(
                    spot,
                    f"item '{condition.item}' must be required and shown always or only after a "
                    "required, always-shown item (a red-flag rule must not be skipped)",
                )
        return conditions

    def retired_ids(self, raw: object, used: Mapping[str, str]) -> Mapping[str, str]:
        """`retired_ids: {id: why}`; `used` maps each item and rule id to where it is defined.

        An id, once given up, never comes back with another meaning.
        """
        if raw is None:
            return {}
        fields = self.mapping("retired_ids", raw) or {}
        retired: dict[str, str] = {}
        for key, why in fields.items():
            where = f"retired_ids.{key}"
            retired[str(key)] = self.string(where, why)
            if str(key) in used:
                self.problem(
                    f"{used[str(key)]}.id",
                    f"'{key}' is a retired id ({retired[str(key)] or 'see retired_ids'}); an id never "
                    "takes a new meaning: choose a new id",
                )
        return retired


def rules_raised(
    questionnaire: Questionnaire, shown: Mapping[str, object], taken_back: Sequence[RedFlagAnswer] = ()
) -> list[str]:
    """The ids of the red-flag rules that hold on these answers, in file order (the engine passes
    the answers to shown items; `scoring.read_red_flags` the raw answers).

    An unanswered or hidden item holds no condition, so a rule is raised once the answers that
    make it are given (the patient flow escalates at that answer). A condition also holds on a
    raising answer in `taken_back` (kept red-flag answers: a retracted disclosure still counts,
    so the order of the answers never decides whether a combination was raised). Conditions
    are checked by `scoring.matching.holds`, the one condition check.
    """
    if not questionnaire.red_flag_rules:
        return []

    def check(condition: Condition) -> bool:
        return holds(condition, shown) or any(
            answer.raises and answer.item == condition.item and holds(condition, {answer.item: answer.answer})
            for answer in taken_back)

    return [
        rule.id
        for rule in questionnaire.red_flag_rules
        if all(map(check, rule.all)) and (not rule.any or any(map(check, rule.any)))
    ]
