"""Staff-facing wording taken from the questionnaire (English), shared by the coordinator pages."""

from __future__ import annotations

from scoring import AnswerValue, Item, Questionnaire

STATUS_LABELS = {
    "new": "New",
    "reviewed": "Reviewed",
    "referred": "Referred",
    "not_referred": "Not referred",
    "follow_up": "Follow-up",
}
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}


def tier_label(questionnaire: Questionnaire, tier: str, language: str = "en") -> str:
    try:
        return questionnaire.tier(tier).label[language]
    except KeyError:  # a tier from an older questionnaire version
        return tier


def category_labels(questionnaire: Questionnaire, ids: tuple[str, ...] | list[str]) -> str:
    names = []
    for category_id in ids:
        try:
            names.append(questionnaire.category(category_id).label["en"])
        except KeyError:
            names.append(category_id)
    return ", ".join(names)


def answer_label(item: Item, value: AnswerValue | None, language: str) -> str:
    """The answer as the patient saw it; "No answer" when none."""
    if value is None:
        return "No answer" if language == "en" else "Sin respuesta"
    return item.answer_label(value, language)
