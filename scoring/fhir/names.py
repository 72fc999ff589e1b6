"""The canonical URLs and code systems of one questionnaire's FHIR resources.

With a base URL (the `FHIR_BASE_URL` setting, e.g. ``https://clinic.example/fhir``) every name
is ``{base}/{kind}/{name}``; without one it is ``urn:crps-screen:{kind}:{name}``, still unique.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scoring.model import Questionnaire, Text

TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
NOT_A_DIAGNOSIS = "Screening suggestion, not a diagnosis. A clinician decides after an examination."
_BASE_URL = re.compile(r"^https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?(/[!-~]*)?$")  # ASCII, printable, no spaces
_RESOURCE_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


@dataclass(frozen=True, slots=True)
class FhirNames:
    """Every URL our resources use for `questionnaire`; build with `FhirNames.of`."""

    base: str
    questionnaire_id: str

    @classmethod
    def of(cls, questionnaire: Questionnaire, base_url: str = "") -> FhirNames:
        return cls(checked_base_url(base_url), questionnaire.id)

    def name(self, kind: str, name: str) -> str:
        return f"{self.base}/{kind}/{name}" if self.base else f"urn:crps-screen:{kind}:{name}"

    @property
    def questionnaire(self) -> str:
        return self.name("Questionnaire", self.questionnaire_id)

    def system(self, what: str) -> str:
        """A code system of ours: `answer`, `category`, `red-flag`, `result`, `tier`."""
        return self.name("CodeSystem", f"{self.questionnaire_id}-{what}")

    def extension(self, what: str) -> str:
        return self.name("StructureDefinition", f"{self.questionnaire_id}-{what}")

    def full_url(self, resource_type: str, resource_id: str) -> str | None:
        """A Bundle entry's fullUrl; None without a base (references stay relative)."""
        return f"{self.base}/{resource_type}/{resource_id}" if self.base else None


def checked_base_url(base_url: str) -> str:
    """The base without a trailing `/`; ValueError (one line) unless empty or http(s) with a host."""
    base = base_url.strip().rstrip("/")
    if base and not _BASE_URL.fullmatch(base):
        raise ValueError(f"FHIR base URL must be http:// or https:// with a host and no spaces, not {base[:60]!r}")
    return base


def resource_id(text: str) -> str:
    """`text` as a FHIR id (letters, digits, `-`, `.`; `_` becomes `-`); ValueError if it cannot be."""
    candidate = text.replace("_", "-")
    if not _RESOURCE_ID.fullmatch(candidate):
        raise ValueError(f"{text[:70]!r} cannot be a FHIR id (letters, digits, - and . only, at most 64)")
    return candidate


def translation(text: Text, default: str) -> dict[str, object] | None:
    """The `_text`/`_display` element carrying every language but `default`, or None."""
    others = [
        {
            "url": TRANSLATION,
            "extension": [{"url": "lang", "valueCode": lang}, {"url": "content", "valueString": value}],
        }
        for lang, value in text.by_language
        if lang != default
    ]
    return {"extension": others} if others else None
