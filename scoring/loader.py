"""Load a questionnaire YAML file into a frozen `Questionnaire`, or say exactly what is wrong.

Every problem is collected (not just the first) and named as ``FILE: WHERE: WHAT``, for example
``questionnaires/crps.yaml: items[swelling].show_if: unknown item 'pain_presnt'``.
The YAML is read as plain data only (`scoring._yaml_guard`): it can never run code, and
anchors, aliases, deep nesting and files over 1 MB are refused with one line. The sections are
read by `scoring._items` and `scoring._rules`, on the field readers of `scoring._fields`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from pathlib import Path

import yaml

from scoring._examination import read_examination
from scoring._fields import as_written
from scoring._questions_seen import seen_texts
from scoring._red_flag_rules import RuleFlagReader
from scoring._rules import RulesReader
from scoring._yaml_guard import MAX_BYTES, TOO_BIG, YamlRefused, read_yaml
from scoring.model import Condition, Item, Questionnaire, RedFlagRule, Tier
from scoring.wording import reason_phrases

_TOP_KEYS = {
    "id", "version", "source", "languages", "title", "answer_sets", "categories", "items",
    "scoring", "messages", "red_flag_rules", "retired_ids",
    "examination",  # issue 18: the clinician's examination (scoring._examination)
}
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[A-Z]{2})?")
"""A BCP 47 language (and region) code: the patient pages set it as the page's `lang`."""
_TOP_REQUIRED = {"id", "version", "source", "languages", "title", "categories", "items", "scoring"}


class QuestionnaireError(ValueError):
    """A questionnaire file that cannot be used; `problems` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(problems))


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and validate one questionnaire file; raise `QuestionnaireError` listing every problem."""
    name = str(path)
    try:
        with Path(path).open("rb") as file:
            raw = file.read(MAX_BYTES + 1)  # never more: a huge file is refused unread
        if len(raw) > MAX_BYTES:
            raise QuestionnaireError([f"{name}: {TOO_BIG}"])
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionnaireError([f"{name}: cannot read file: {exc}"]) from None
    return parse_questionnaire(text, name)


def parse_questionnaire(text: str, name: str = "<questionnaire>") -> Questionnaire:
    """Validate questionnaire YAML given as text; `name` is used in messages."""
    try:
        document = read_yaml(text)
    except YamlRefused as exc:
        raise QuestionnaireError([f"{name}: {exc}"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise QuestionnaireError([f"{name}: {where}not valid YAML: {problem}"]) from None
    builder = _Builder(name)
    questionnaire = builder.build(document)
    if builder.problems or questionnaire is None:
        raise QuestionnaireError(builder.problems or [f"{name}: empty questionnaire"])
    return dataclasses.replace(
        questionnaire, phrases=reason_phrases(questionnaire), groups=_visibility_groups(questionnaire.items),
        seen_texts=seen_texts(questionnaire),
    )


def content_hash(document: object) -> str:
    """SHA-256 of the parsed document as canonical JSON: comments and layout do not change it.

    The document is plain data already checked for size (no aliases to expand), so this is small.
    """
    try:
        canonical = json.dumps(
            document, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
        )
    except TypeError:  # mixed key types (a broken file): still hash something stable
        canonical = repr(document)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


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


def _counted(
    gate: tuple[Condition, ...], tiers: tuple[Tier, ...], red_flag_rules: tuple[RedFlagRule, ...],
) -> dict[str, str]:
    """Each item id the scoring reads (gate, tier rules, red-flag rules) -> where it is named."""
    counted: dict[str, str] = {}
    for rule in red_flag_rules:
        counted.update({condition.item: f"red_flag_rules[{rule.id}]" for condition in (*rule.all, *rule.any)})
    for tier in tiers:
        counted.update({condition.item: f"scoring.tiers[{tier.id}]"
                        for when in tier.when for condition in when.answers})
    counted.update({condition.item: "scoring.gate" for condition in gate})
    return counted


class _Builder(RulesReader, RuleFlagReader):
    """Walks the parsed document once, section by section, building the model."""

    def build(self, document: object) -> Questionnaire | None:
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
        for index, language in enumerate(self.languages):
            if language and not _LANGUAGE_CODE.fullmatch(language):
                self.problem(f"languages[{index}]", f"'{language}' is not a language code like en, es or es-MX")
        answer_sets = self.answer_sets(top.get("answer_sets", {}))
        categories_raw = top.get("categories") or []
        items = self.resolve_take_home(self.items(top.get("items"), answer_sets), self.take_home_written)
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
        red_flag_rules = self.red_flag_rules(top.get("red_flag_rules"), items_by_id)
        self.check_story(items, _counted(gate, tiers, red_flag_rules))
        defined = {item.id: f"items[{item.id}]" for item in items}
        defined.update({rule.id: f"red_flag_rules[{rule.id}]" for rule in red_flag_rules})
        retired_ids = self.retired_ids(top.get("retired_ids"), defined)
        messages = self.messages(top.get("messages", {}))
        return Questionnaire(
            id=self.identifier("id", top.get("id")),
            version=self.string("version", as_written(top.get("version"))),
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
            red_flag_rules=red_flag_rules,
            retired_ids=retired_ids,
            examination=read_examination(self, top.get("examination"), categories, items_by_id),
        )
