"""The reasons' sentences, filled in once per questionnaire and language at load time.

Every sentence a result can carry is known in advance (one per counting item, per red flag,
per category count), so scoring only looks them up. The table holds questionnaire wording,
never patient answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from scoring.model import Questionnaire


@dataclass(frozen=True, slots=True)
class Phrases:
    """Every reason sentence in one language."""

    gate_met: str
    gate_not_met: str
    all_categories: str
    category_count: tuple[str, ...]
    """Indexed by the number of categories met."""
    category_met: dict[str, str]
    """Item id -> "Category: you said yes to item."."""
    red_flag: dict[str, str]
    """Item or red-flag rule id -> "Urgent: item."."""


def reason_phrases(questionnaire: Questionnaire) -> dict[str, Phrases]:
    """Fill in every reason template of `questionnaire`, per language."""
    messages = questionnaire.messages
    total = len(questionnaire.categories)
    phrasebook: dict[str, Phrases] = {}
    for language in questionnaire.languages:
        category_met = {
            item_id: messages["reason_category_met"][language].format(
                category=category.label[language], item=questionnaire.item(item_id).short[language]
            )
            for category in questionnaire.categories
            for item_id in category.items
        }
        phrasebook[language] = Phrases(
            gate_met=messages["reason_gate_met"][language],
            gate_not_met=messages["reason_gate_not_met"][language],
            all_categories=messages["reason_all_categories"][language],
            category_count=tuple(
                messages["reason_category_count"][language].format(count=count, total=total)
                for count in range(total + 1)
            ),
            category_met=category_met,
            red_flag={
                **{item.id: messages["reason_red_flag"][language].format(item=item.short[language])
                   for item in questionnaire.red_flag_items},
                **{rule.id: messages["reason_red_flag"][language].format(item=rule.short[language])
                   for rule in questionnaire.red_flag_rules},
            },
        )
    return phrasebook
