"""The reasons' sentences, filled in once per questionnaire and language at load time.

Every sentence a result can carry is known in advance (one per counting item, per red flag,
per category count), so scoring only looks them up. The table holds questionnaire wording,
never patient answers.
"""

from __future__ import annotations

from scoring.model import Questionnaire

Phrasebook = dict[tuple[str, str], str]
"""(language, key) -> sentence; keys: gate_met, gate_not_met, all_categories, count:N,
category_met:ITEM, red_flag:ITEM."""


def reason_phrases(questionnaire: Questionnaire) -> Phrasebook:
    """Fill in every reason template of `questionnaire` in each of its languages."""
    messages = questionnaire.messages
    total = len(questionnaire.categories)
    phrases: Phrasebook = {}
    for language in questionnaire.languages:
        phrases[language, "gate_met"] = messages["reason_gate_met"][language]
        phrases[language, "gate_not_met"] = messages["reason_gate_not_met"][language]
        phrases[language, "all_categories"] = messages["reason_all_categories"][language]
        for count in range(total + 1):
            phrases[language, f"count:{count}"] = messages["reason_category_count"][language].format(
                count=count, total=total
            )
        for category in questionnaire.categories:
            for item_id in category.items:
                phrases[language, f"category_met:{item_id}"] = messages["reason_category_met"][
                    language
                ].format(category=category.label[language], item=questionnaire.item(item_id).short[language])
        for item in questionnaire.red_flag_items:
            phrases[language, f"red_flag:{item.id}"] = messages["reason_red_flag"][language].format(
                item=item.short[language]
            )
    return phrases
