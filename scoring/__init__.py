"""The CRPS screen's core: questionnaire model, loader and scoring engine.

Pure Python plus PyYAML. This package must never import Streamlit, SQLAlchemy or reportlab
(`tests/test_architecture.py` enforces it); the command line's `batch` verb alone uses pandas,
imported inside that verb. It screens; it never diagnoses: results suggest a referral or a
clinician review and never say a patient has the condition.
"""

from scoring.engine import AnswerProblem, AnswersInvalid, normalise_answers, score, shown_items
from scoring.loader import QuestionnaireError, load_questionnaire, parse_questionnaire
from scoring.model import (
    AnswerValue,
    Category,
    CategoryFinding,
    Choice,
    Condition,
    Item,
    Questionnaire,
    RedFlag,
    ScreeningResult,
    Text,
    Tier,
)

__all__ = [
    "AnswerProblem",
    "AnswerValue",
    "AnswersInvalid",
    "Category",
    "CategoryFinding",
    "Choice",
    "Condition",
    "Item",
    "Questionnaire",
    "QuestionnaireError",
    "RedFlag",
    "ScreeningResult",
    "Text",
    "Tier",
    "load_questionnaire",
    "normalise_answers",
    "parse_questionnaire",
    "score",
    "shown_items",
]
