"""The questionnaire and the screening result as frozen, typed values.

Built only by `scoring.loader` (questionnaires) and `scoring.engine` (results); everything
else reads them. Pure Python: no Streamlit, SQLAlchemy or reportlab here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:
    from scoring._examination import ExaminationSpec

ItemKind = Literal["single", "multiple", "integer"]
BODY_REGIONS: tuple[str, ...] = ("right_arm", "left_arm", "right_leg", "left_leg")
"""The regions a body map draws, named from the patient's point of view (`right_arm` is the
patient's own right arm or hand). A questionnaire maps each to one of its answer codes."""
RedFlagLevel = Literal["emergency", "same_day", "talk_now"]
RED_FLAG_LEVELS: tuple[RedFlagLevel, ...] = ("emergency", "talk_now", "same_day")
"""Most severe first. `talk_now` (self-harm) ranks above `same_day` (clot, infection): staff must
act before the patient leaves, where a same-day problem may be seen later today (CLINICAL.md §4)."""
AnswerValue = str | int | tuple[str, ...]
"""A normalised answer: a choice code, a whole number, or several choice codes."""
REPORT_SECTIONS: tuple[str, ...] = ("pain", "sleep_mood", "story")
"""The sections of the clinician's summary an item may be listed in (`report_section:`), in the
order the PDF and the coordinator page show them. `story` is "the story of the pain": context for
staff only, never counted (the loader refuses a story item in a category, a red flag, the gate,
a tier or a red-flag rule)."""


@dataclass(frozen=True, slots=True)
class Text:
    """One string in every language of the questionnaire, e.g. ``text["es"]``."""

    by_language: tuple[tuple[str, str], ...]

    def __getitem__(self, language: str) -> str:
        for code, value in self.by_language:
            if code == language:
                return value
        raise KeyError(language)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.by_language)


@dataclass(frozen=True, slots=True)
class Choice:
    """One allowed answer: the stored code and the label a patient sees."""

    code: str
    label: Text


@dataclass(frozen=True, slots=True)
class Condition:
    """True when the answer to `item` is one of `any_of` (for a multiple choice: includes one)."""

    item: str
    any_of: frozenset[str]


@dataclass(frozen=True, slots=True)
class RedFlag:
    """Marks an item as a red flag: the listed answers make the result urgent."""

    urgent_if: frozenset[str]
    concern: Text
    """What staff should think of (e.g. "possible blood clot"); shown to staff, not scored."""
    level: RedFlagLevel = "emergency"
    """How fast: `emergency` interrupts the flow, `same_day` and `talk_now` let the patient finish."""
    message: Text = Text(())
    """What the patient is told when this flag is raised (e.g. "call 911" for stroke signs)."""


@dataclass(frozen=True, slots=True)
class Coding:
    """A code from an outside code system an item is also known by (e.g. LOINC 72514-3 for the
    0-10 pain score), exported as the FHIR `item.code`."""

    system: str
    code: str
    display: str


@dataclass(frozen=True, slots=True)
class Item:
    """One question. `show_if` conditions must all hold (and their items be shown)."""

    id: str
    kind: ItemKind
    text: Text
    short: Text
    """A few words naming the item in reasons and tables ("burning pain")."""
    choices: tuple[Choice, ...] = ()
    help: Text | None = None
    required: bool = False
    category: str | None = None
    red_flag: RedFlag | None = None
    show_if: tuple[Condition, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    min_label: Text | None = None
    max_label: Text | None = None
    codes: frozenset[str] = field(default=frozenset(), compare=False)
    body_map: tuple[tuple[str, str], ...] = ()
    """(region, answer code) pairs: a multiple-choice item answered by tapping a body outline;
    answers with no region are offered beside it. Empty: a plain list."""
    report_section: str | None = None
    """Which section of the clinician's summary lists it (one of `REPORT_SECTIONS`); None: only
    the full list of answers."""
    take_home: bool = True
    """False: the patient's take-home copy leaves this question and its answer out (others may
    read it at home): the self-harm questions."""
    fhir_code: Coding | None = None
    """A standard code for the item (the pain score's LOINC code), exported in FHIR."""

    def choice(self, code: str) -> Choice:
        for choice in self.choices:
            if choice.code == code:
                return choice
        raise KeyError(code)

    def answer_label(self, value: AnswerValue, language: str) -> str:
        """An answer as the patient saw it: choice labels in `language`, a number as digits.

        A code this item no longer has (an answer stored under an older version) is shown as is.
        """
        if isinstance(value, int):
            return str(value)
        codes = value if isinstance(value, tuple) else (value,)
        labels = {choice.code: choice.label for choice in self.choices}
        return ", ".join(labels[code][language] if code in labels else code for code in codes)


@dataclass(frozen=True, slots=True)
class Category:
    """A symptom category (Budapest criterion B); met when one of its items has a counting answer."""

    id: str
    label: Text
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TierRule:
    """One way a tier's `when` can hold: every stated need at once.

    `gate` True needs the gate met, False needs it not met, None does not look; the number of
    categories met lies in `min_categories..max_categories`; each `answers` condition holds on a
    shown item (an unanswered or hidden item never meets one).
    """

    gate: bool | None = None
    min_categories: int = 0
    max_categories: int | None = None
    answers: tuple[Condition, ...] = ()
    count: frozenset[str] | None = None
    """The answers that make a category count for this rule's min/max (e.g. yes and unsure);
    None: the questionnaire's `category_met_if`."""


@dataclass(frozen=True, slots=True)
class Tier:
    """One outcome. Tiers are tried in order; the first whose `when` holds is the result."""

    id: str
    label: Text
    message: Text
    """What the patient may be told: always a suggestion, never a diagnosis."""
    referral: bool = False
    when: tuple[TierRule, ...] = ()
    """Any one rule holding is enough; no rules means always (the last tier, the fallback)."""


@dataclass(frozen=True, slots=True)
class RedFlagRule:
    """A red flag raised by a combination of answers (the questionnaire's `red_flag_rules`).

    It holds when every `all` condition holds and, if `any` is not empty, one `any` condition
    holds, on shown items. Read like an item's red flag: `id`, `short`, `red_flag` (level,
    concern, message; `urgent_if` is empty, the conditions decide).
    """

    id: str
    all: tuple[Condition, ...]
    any: tuple[Condition, ...]
    short: Text
    red_flag: RedFlag


class QuestionSeen(NamedTuple):
    """The words of one question as the patient saw them, kept with the answers."""

    item: str
    version: str
    language: str
    text: str


@dataclass(frozen=True, slots=True)
class Questionnaire:
    """A validated questionnaire. Build it with `scoring.load_questionnaire`."""

    id: str
    version: str
    title: Text
    source: str
    languages: tuple[str, ...]
    items: tuple[Item, ...]
    categories: tuple[Category, ...]
    gate: tuple[Condition, ...]
    category_met_if: frozenset[str]
    tiers: tuple[Tier, ...]
    messages: Mapping[str, Text]
    content_hash: str
    path: str = ""
    items_by_id: Mapping[str, Item] = field(default_factory=dict, compare=False, repr=False)
    phrases: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """Language -> `scoring.wording.Phrases`: every reason sentence, filled in at load."""
    groups: tuple[tuple[tuple[Condition, ...], tuple[Item, ...]], ...] = field(
        default=(), compare=False, repr=False
    )
    """Runs of consecutive items sharing one `show_if`, so scoring checks each run once."""
    red_flag_rules: tuple[RedFlagRule, ...] = ()
    """Red flags raised by a combination of answers, in file order."""
    retired_ids: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    """Ids given up (id -> why); never used again with another meaning."""
    seen_texts: Mapping[str, Mapping[str, QuestionSeen]] = field(default_factory=dict, compare=False, repr=False)
    """Language -> item id -> the `QuestionSeen` a result keeps, built once at load."""
    examination: ExaminationSpec | None = field(default=None, compare=False, repr=False)
    """The clinician's examination form and the CRPS Severity Score items (`examination:`, staff only)."""

    def item(self, item_id: str) -> Item:
        return self.items_by_id[item_id]

    def red_flag_source(self, flag_id: str) -> Item | RedFlagRule | None:
        """The item or rule behind a raised red flag id; None for an id this version lacks."""
        item = self.items_by_id.get(flag_id)
        if item is not None:
            return item if item.red_flag is not None else None
        return next((rule for rule in self.red_flag_rules if rule.id == flag_id), None)

    def red_flag_of(self, flag_id: str) -> RedFlag | None:
        """The red flag (level, concern, message) of an item or rule id; None when unknown."""
        source = self.red_flag_source(flag_id)
        return None if source is None else source.red_flag

    def tier(self, tier_id: str) -> Tier:
        for tier in self.tiers:
            if tier.id == tier_id:
                return tier
        raise KeyError(tier_id)

    def category(self, category_id: str) -> Category:
        for category in self.categories:
            if category.id == category_id:
                return category
        raise KeyError(category_id)

    @property
    def red_flag_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.red_flag is not None)

    def section_items(self, section: str) -> tuple[Item, ...]:
        """The items listed in one section of the clinician's summary, in questionnaire order."""
        return tuple(item for item in self.items if item.report_section == section)

    @property
    def left_out_of_take_home(self) -> tuple[str, ...]:
        """The ids of the items the patient's take-home copy leaves out (`take_home: false`)."""
        return tuple(item.id for item in self.items if not item.take_home)


class CategoryFinding(NamedTuple):
    """One category's outcome and the items whose answers met it (empty when not met).

    A named tuple rather than a frozen dataclass: as immutable, and cheaper to build on the
    scoring hot path (several per result).
    """

    category: str
    met: bool
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RedFlagAnswer:
    """One answer to a red-flag question, kept for staff once that flag was raised: the answer
    that raised it, or a later change ("answered yes at 10:02, changed to no at 10:04").

    Stored by `storage` in its own table (never in `ScreeningResult.to_dict`) and put back into
    the result when a screening is read (`scoring.red_flag_history.with_history`).
    """

    item: str
    answer: AnswerValue
    level: RedFlagLevel
    """The flag's level (the same for its raising answer and a later change)."""
    at: datetime
    """When the patient gave this answer (timezone-aware)."""
    raises: bool
    """True when this answer is in the flag's `urgent_if` (it raised the flag)."""


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """What `score()` returns; the screen, the database and the PDF all show this one object.

    `urgent` is its own field, independent of `tier`, so no view can drop it by accident.
    """

    questionnaire_id: str
    questionnaire_version: str
    questionnaire_hash: str
    language: str
    tier: str
    referral_suggested: bool
    urgent: bool
    gate_met: bool
    red_flags: tuple[str, ...]
    categories_met: tuple[str, ...]
    findings: tuple[CategoryFinding, ...]
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    answers: tuple[tuple[str, AnswerValue], ...]
    """The answers that counted (shown items, and a red flag raised while hidden), in questionnaire order."""
    shown: tuple[str, ...] = ()
    """The ids of the items the patient was asked (answered or skipped), in questionnaire order.
    For an incomplete result: those up to the last one answered."""
    red_flag_level: RedFlagLevel | None = None
    """The most severe level among `red_flags` (see `RED_FLAG_LEVELS`); None when not urgent."""
    complete: bool = True
    """False when scored with `partial=True` (a red flag raised before the patient sent the answers)."""
    questions_seen: tuple[QuestionSeen, ...] = ()
    """The words of every question asked, as shown (id, version, language, text). Empty for a
    result stored before 1.2: readers then use `scoring.question_text`, which says so."""
    red_flag_history: tuple[RedFlagAnswer, ...] = ()
    """Read back from storage only: every red-flag answer since each flag was first raised, oldest
    first. A flag in it that was raised stays in `red_flags` (and `urgent`, `red_flag_level`) even
    when the final answer took it back (CLINICAL.md section 4: a retraction counts as positive).
    Not part of `to_dict`: storage keeps it in its own table, once."""

    def answer(self, item_id: str) -> AnswerValue | None:
        for key, value in self.answers:
            if key == item_id:
                return value
        return None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict (tuples become lists)."""
        return {
            "questionnaire_id": self.questionnaire_id,
            "questionnaire_version": self.questionnaire_version,
            "questionnaire_hash": self.questionnaire_hash,
            "language": self.language,
            "tier": self.tier,
            "referral_suggested": self.referral_suggested,
            "urgent": self.urgent,
            "gate_met": self.gate_met,
            "red_flags": list(self.red_flags),
            "categories_met": list(self.categories_met),
            "findings": [
                {"category": f.category, "met": f.met, "items": list(f.items)} for f in self.findings
            ],
            "reasons": list(self.reasons),
            "warnings": list(self.warnings),
            "answers": {key: list(v) if isinstance(v, tuple) else v for key, v in self.answers},
            "shown": list(self.shown),
            "red_flag_level": self.red_flag_level,
            "complete": self.complete,
            "questions_seen": [
                {"id": q.item, "version": q.version, "language": q.language, "text": q.text}
                for q in self.questions_seen
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> ScreeningResult:
        """Rebuild a result stored with `to_dict` (e.g. read back from the database).

        Results stored before 1.1 lack `shown`, `red_flag_level` and `complete`: shown becomes the
        answered items (a skipped item then reads "Not asked"), and an urgent result without a
        level reads as `emergency`, so an old alert is never understated.
        """

        def strings(key: str) -> tuple[str, ...]:
            value = data[key]
            assert isinstance(value, list)
            return tuple(str(v) for v in value)

        findings_raw = data["findings"]
        answers_raw = data["answers"]
        assert isinstance(findings_raw, list) and isinstance(answers_raw, dict)
        urgent = bool(data["urgent"])
        level = data.get("red_flag_level", "emergency" if urgent else None)
        if level is not None and level not in RED_FLAG_LEVELS:
            level = "emergency"
        return cls(
            questionnaire_id=str(data["questionnaire_id"]),
            questionnaire_version=str(data["questionnaire_version"]),
            questionnaire_hash=str(data["questionnaire_hash"]),
            language=str(data["language"]),
            tier=str(data["tier"]),
            referral_suggested=bool(data["referral_suggested"]),
            urgent=urgent,
            gate_met=bool(data["gate_met"]),
            red_flags=strings("red_flags"),
            categories_met=strings("categories_met"),
            findings=tuple(
                CategoryFinding(str(f["category"]), bool(f["met"]), tuple(f["items"]))
                for f in findings_raw
            ),
            reasons=strings("reasons"),
            warnings=strings("warnings"),
            answers=tuple(
                (str(k), tuple(v) if isinstance(v, list) else v) for k, v in answers_raw.items()
            ),
            shown=strings("shown") if "shown" in data else tuple(str(k) for k in answers_raw),
            red_flag_level=level,  # type: ignore[arg-type]  # checked against RED_FLAG_LEVELS above
            complete=bool(data.get("complete", True)),
            questions_seen=_questions_seen(data.get("questions_seen")),
        )


def _questions_seen(raw: object) -> tuple[QuestionSeen, ...]:
    """Stored `questions_seen` back as values; anything not in its shape is left out (a reader
    then falls back to the archived questionnaire's words, labelled as such)."""
    if not isinstance(raw, list):
        return ()
    return tuple(
        QuestionSeen(str(entry["id"]), str(entry["version"]), str(entry["language"]), str(entry["text"]))
        for entry in raw
        if isinstance(entry, Mapping) and {"id", "version", "language", "text"} <= entry.keys()
    )
