"""The CRPS screen's core: questionnaire model, loader and scoring engine.

Pure Python plus PyYAML. This package must never import Streamlit, SQLAlchemy or reportlab
(`tests/test_architecture.py` enforces it); the command line's `batch` verb alone uses pandas,
imported inside that verb. It screens; it never diagnoses: results suggest a referral or a
clinician review and never say a patient has the condition.

`scoring` owns every rule about answers and red flags (`scoring.matching`: `holds`, `raises`,
`read_red_flags`, `most_severe`; `RED_FLAG_LEVELS` in `scoring.model`), and the patient flow's
pure logic (`scoring.flow`: branching and progress; `scoring.escalation`: red flags at the answer).
"""

from scoring._questions_seen import QuestionText, answered_under, archived_version, question_text, wording_note
from scoring._readout import answer_text, red_flag_concerns, red_flag_messages, story_of_the_pain
from scoring._red_flag_rules import rules_raised
from scoring.engine import AnswerProblem, AnswersInvalid, score, shown_items
from scoring.loader import QuestionnaireError, load_questionnaire, parse_questionnaire
from scoring.matching import RaisedFlag, holds, most_severe, raises, read_red_flags
from scoring.model import (
    RED_FLAG_LEVELS,
    REPORT_SECTIONS,
    AnswerValue,
    Category,
    CategoryFinding,
    Choice,
    Coding,
    Condition,
    Item,
    Questionnaire,
    QuestionSeen,
    RedFlag,
    RedFlagAnswer,
    RedFlagLevel,
    RedFlagRule,
    ScreeningResult,
    Text,
    Tier,
    TierRule,
)

__all__ = [
    "RED_FLAG_LEVELS",
    "REPORT_SECTIONS",
    "AnswerProblem",
    "AnswerValue",
    "AnswersInvalid",
    "Category",
    "CategoryFinding",
    "Choice",
    "Coding",
    "Condition",
    "Item",
    "QuestionSeen",
    "QuestionText",
    "Questionnaire",
    "QuestionnaireError",
    "RaisedFlag",
    "RedFlag",
    "RedFlagAnswer",
    "RedFlagLevel",
    "RedFlagRule",
    "ScreeningResult",
    "Text",
    "Tier",
    "TierRule",
    "answer_text",
    "answered_under",
    "archived_version",
    "holds",
    "load_questionnaire",
    "most_severe",
    "parse_questionnaire",
    "question_text",
    "raises",
    "read_red_flags",
    "red_flag_concerns",
    "red_flag_messages",
    "rules_raised",
    "score",
    "shown_items",
    "story_of_the_pain",
    "wording_note",
]
