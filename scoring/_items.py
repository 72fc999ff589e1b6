"""The loader's item section: answers, items, red flags and branching (`show_if`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from scoring._fields import FieldReader, as_written, listify
from scoring.model import (
    BODY_REGIONS,
    REPORT_SECTIONS,
    Choice,
    Coding,
    Condition,
    Item,
    ItemKind,
    RedFlag,
)

_ITEM_KEYS = {
    "id", "type", "text", "short", "help", "answers", "required", "category", "red_flag",
    "show_if", "min", "max", "min_label", "max_label", "body_map",
    "report_section", "take_home", "fhir_code",  # instrument facts the report and FHIR read
}
_CODING_KEYS = {"system", "code", "display"}
_KINDS: tuple[ItemKind, ...] = ("single", "multiple", "integer")


class ItemReader(FieldReader):
    """Reads `answer_sets` and `items`, and checks branching and red flags once all are known."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.take_home_written: dict[str, bool] = {}
        """`take_home:` as the file writes it, by item id (`resolve_take_home` decides)."""

    def choices(self, where: str, raw: object) -> tuple[Choice, ...]:
        result: list[Choice] = []
        for spot, code, fields in self.entries(where, raw, "code", "must be a non-empty list of answers"):
            self.keys(spot, fields, {"code", "label"}, {"code", "label"})
            result.append(Choice(code, self.text(f"{spot}.label", fields.get("label"))))
        return tuple(result)

    def answer_sets(self, raw: object) -> dict[str, tuple[Choice, ...]]:
        sets = self.mapping("answer_sets", raw) or {}
        return {str(name): self.choices(f"answer_sets.{name}", entries) for name, entries in sets.items()}

    def items(self, raw: object, answer_sets: Mapping[str, tuple[Choice, ...]]) -> tuple[Item, ...]:
        entries = self.entries("items", raw)
        return tuple(self.item(where, item_id, fields, answer_sets) for where, item_id, fields in entries)

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
            body_map=self.body_map(f"{where}.body_map", fields.get("body_map"), kind, choices),
            report_section=self.report_section(f"{where}.report_section", fields.get("report_section")),
            take_home=self.written_take_home(item_id, f"{where}.take_home", fields),
            fhir_code=self.coding(f"{where}.fhir_code", fields.get("fhir_code")),
        )

    def written_take_home(self, item_id: str, where: str, fields: Mapping[str, Any]) -> bool:
        if "take_home" not in fields:
            return True
        written = self.boolean(where, fields["take_home"], default=True)
        self.take_home_written[item_id] = written
        return written

    def report_section(self, where: str, raw: object) -> str | None:
        """`report_section: pain | sleep_mood | story`: where the clinician's summary lists the item."""
        if raw is None:
            return None
        if isinstance(raw, str) and raw in REPORT_SECTIONS:
            return raw
        self.problem(where, f"unknown section {raw!r}; use one of {', '.join(REPORT_SECTIONS)}")
        return None

    def coding(self, where: str, raw: object) -> Coding | None:
        """`fhir_code: {system, code, display}`: a standard code for the item (e.g. LOINC)."""
        if raw is None:
            return None
        fields = self.mapping(where, raw)
        if fields is None:
            return None
        self.keys(where, fields, _CODING_KEYS, _CODING_KEYS)
        system = self.string(f"{where}.system", fields.get("system")) if "system" in fields else ""
        if system and not system.startswith(("http://", "https://", "urn:")):
            self.problem(f"{where}.system", f"'{system}' must be a URI (http://, https:// or urn:)")
        code = self.string(f"{where}.code", as_written(fields.get("code"))) if "code" in fields else ""
        display = self.string(f"{where}.display", fields.get("display")) if "display" in fields else ""
        return Coding(system, code, display)

    def body_map(
        self, where: str, raw: object, kind: ItemKind, choices: tuple[Choice, ...],
    ) -> tuple[tuple[str, str], ...]:
        """`body_map: {right_arm: code, ...}`: regions of the outline mapped to this item's answers."""
        if raw is None:
            return ()
        fields = self.mapping(where, raw)
        if fields is None:
            return ()
        if kind != "multiple":
            self.problem(where, "only a multiple-choice item can be answered on a body map")
        codes = {choice.code for choice in choices}
        pairs: list[tuple[str, str]] = []
        for region, code in fields.items():
            if region not in BODY_REGIONS:
                self.problem(f"{where}.{region}", f"unknown region; use any of {', '.join(BODY_REGIONS)}")
            elif not isinstance(code, str) or code not in codes:
                self.problem(f"{where}.{region}", f"{code!r} is not one of this item's answers")
            elif code in {mapped for _, mapped in pairs}:
                self.problem(f"{where}.{region}", f"answer '{code}' is already on another region")
            else:
                pairs.append((str(region), code))
        return tuple(sorted(pairs, key=lambda pair: BODY_REGIONS.index(pair[0])))

    def red_flag(self, where: str, raw: object, choices: tuple[Choice, ...]) -> RedFlag | None:
        if raw is None:
            return None
        fields = self.mapping(where, raw)
        if fields is None:
            return None
        needed = {"urgent_if", "concern", "level", "message"}
        self.keys(where, fields, needed, needed)
        level = self.level(f"{where}.level", fields.get("level"))
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
            values = self.string_list(f"{spot}.in", [as_written(v) for v in listify(fields.get("in"))])
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
        """A red flag can never be skipped or hidden by chance: it is required,
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

    def check_story(self, items: tuple[Item, ...], counted: Mapping[str, str]) -> None:
        """A story item (`report_section: story`) is context for staff, never scored (hazard H69):
        optional, in no category, no red flag, and named by no gate, tier or red-flag rule.

        `counted` maps each item id the gate, the tiers or a red-flag rule names to that place.
        """
        for item in items:
            if item.report_section != "story":
                continue
            where = f"items[{item.id}]"
            for field, present in (("category", item.category is not None), ("red_flag", item.red_flag is not None),
                                   ("required", item.required)):
                if present:
                    self.problem(f"{where}.{field}", "a story item (report_section: story) is never scored; "
                                 "it must be optional, with no category or red flag")
            if item.id in counted:
                self.problem(f"{where}.report_section",
                             f"a story item is never scored, but {counted[item.id]} names it")

    def resolve_take_home(self, items: tuple[Item, ...], explicit: Mapping[str, bool]) -> tuple[Item, ...]:
        """Which questions the patient's take-home copy leaves out (hazard H70). A `talk_now` red
        flag (self-harm) is left out, and so is a question asked only after a left-out answer (its
        being asked would tell the answer), whatever the file says; `take_home: true` on either is
        refused. Otherwise `take_home:` as written, default true. Items come in file order, and a
        `show_if` names an earlier item, so one pass sees each item's conditions resolved first."""
        resolved: dict[str, Item] = {}
        for item in items:
            where = f"items[{item.id}].take_home"
            must_leave_out = ""
            if item.red_flag is not None and item.red_flag.level == "talk_now":
                must_leave_out = "a talk_now red flag must be take_home: false (the patient's copy goes home)"
            for condition in item.show_if:
                target = resolved.get(condition.item)
                if target is not None and not target.take_home:
                    must_leave_out = (f"asked only after '{condition.item}', which is take_home: false, "
                                      "so it must be take_home: false too")
            if must_leave_out and explicit.get(item.id) is True:
                self.problem(where, must_leave_out)
            take_home = False if must_leave_out else explicit.get(item.id, True)
            resolved[item.id] = item if take_home == item.take_home else dataclasses.replace(item, take_home=take_home)
        return tuple(resolved.get(item.id, item) for item in items)


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

