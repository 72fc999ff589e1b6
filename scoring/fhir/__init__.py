"""FHIR R4 for the screen: the questionnaire as a `Questionnaire`, each screening as a
`QuestionnaireResponse` plus `Observation`s, and scoring of responses captured elsewhere.

Plain dicts ready for `json.dumps`; pure Python (no FHIR library at run time: the tests check
what we write with `fhir.resources` R4B and with `scoring.fhir.checks`).
"""

from scoring.fhir.checks import check_bundle, check_observation, check_questionnaire, check_response
from scoring.fhir.names import FhirNames
from scoring.fhir.questionnaire import FhirExportError, questionnaire_resource
from scoring.fhir.reading import (
    ResponseInvalid,
    answers_from_response,
    is_in_progress,
    is_questionnaire_response,
)
from scoring.fhir.screening import ndjson_lines, screening_bundle, screening_resources

__all__ = [
    "FhirExportError",
    "FhirNames",
    "ResponseInvalid",
    "answers_from_response",
    "check_bundle",
    "check_observation",
    "check_questionnaire",
    "check_response",
    "is_in_progress",
    "is_questionnaire_response",
    "ndjson_lines",
    "questionnaire_resource",
    "screening_bundle",
    "screening_resources",
]
