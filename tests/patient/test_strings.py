"""ui/strings.yaml: every patient-interface string in both languages, and no diagnostic wording."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from ui.patient import strings

PATIENT_CODE = sorted((Path(strings.__file__).parent).glob("*.py"))
# CLINICAL.md: say "suggest", never that a patient has the condition.
DIAGNOSTIC = re.compile(r"\b(has CRPS|diagnosed|meets criteria|tiene CRPS|diagnosticad)", re.IGNORECASE)


def test_every_string_has_english_and_spanish() -> None:
    for key, by_language in strings.all_strings().items():
        assert set(by_language) == {"en", "es"}, key
        assert all(value.strip() for value in by_language.values()), key


def test_placeholders_match_between_languages() -> None:
    def fields(template: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}

    for key, by_language in strings.all_strings().items():
        assert fields(by_language["en"]) == fields(by_language["es"]), key


def test_no_string_diagnoses() -> None:
    for key, by_language in strings.all_strings().items():
        for value in by_language.values():
            assert not DIAGNOSTIC.search(value), key


@pytest.mark.parametrize("path", PATIENT_CODE, ids=lambda p: p.name)
def test_every_key_the_screens_use_exists(path: Path) -> None:
    used = set(re.findall(r"text\(\s*['\"](\w+)['\"]", path.read_text(encoding="utf-8")))
    assert used <= set(strings.all_strings()), used - set(strings.all_strings())


def test_the_patient_screens_never_use_query_params_or_caches() -> None:
    """Only the tablet's own name is read from the URL; nothing is ever written to it."""
    for path in PATIENT_CODE:
        source = path.read_text(encoding="utf-8")
        for forbidden in ("st.cache_data", "st.cache_resource", "unsafe_allow_html"):
            assert forbidden not in source, f"{path.name}: {forbidden}"
        uses = re.findall(r"query_params[^\n]*", source)
        allowed = ['query_params.get("tablet")'] if path.name == "tablet.py" else []
        assert uses == allowed, f"{path.name}: {uses}"


def test_the_patient_screens_offer_no_pdf_and_touch_no_database_directly() -> None:
    for path in PATIENT_CODE:
        source = path.read_text(encoding="utf-8")
        for forbidden in ("import report", "from report", "sqlalchemy", "download_button"):
            assert forbidden not in source, f"{path.name}: {forbidden}"


GRADE_EXCEPTIONS = {
    "finish": "one word ('Finish'): Flesch-Kincaid scores a lone two-syllable word as grade 8.4",
    "body_map_chosen": "a place's own label plus '(chosen)': 'Right arm or hand (chosen)' scores grade 0.5",
    "hand_off_greeting": "'Hello' and a first name's initial: 'Hello, M.' scores grade 2.9",
}
"""Strings allowed above grade 6, each with its reason (issue 10)."""


@pytest.mark.parametrize("key", sorted(strings.all_strings()))
def test_every_english_string_is_at_most_grade_6(key: str) -> None:
    import textstat

    english = strings.all_strings()[key]["en"].replace("{", "").replace("}", "")
    if key in GRADE_EXCEPTIONS:
        assert len(english.split()) <= 2, f"{key}: the exception is for a word or two only"
        return
    assert textstat.flesch_kincaid_grade(english) <= 6.0, f"{key}: {english}"


def test_spanish_wording_fixes_from_the_clinical_review() -> None:
    """Issue 10: "Saltar" → "Omitir"; "que aplique" → "que corresponda"."""
    spanish = {key: value["es"] for key, value in strings.all_strings().items()}
    assert spanish["skip"] == "Omitir" and "omitir" in spanish["optional_hint"]
    assert "corresponda" in spanish["pick_all_hint"]
    assert not any("Saltar" in value or "saltar" in value or "aplique" in value for value in spanish.values())


SPANISH_EXCEPTIONS = {
    "next": "one word ('Siguiente'): Fernández-Huerta scores a lone 4-syllable word far below 70",
    "finish": "one word ('Terminar')",
    "review_title": "a 3-word title ('Revise sus respuestas')",
    "staff_code_label": "a 3-word label for staff ('Código del personal')",
    "staff_clear": "a 3-word button for staff ('Borrar esta pantalla')",
    "tablet_label": "a template of one word and the tablet's name ('Tableta {name}')",
    "body_map_chosen": "a template: the body part's label and one word ('(elegido)')",
}
"""Spanish strings allowed below Fernández-Huerta 70, each with its reason (labels of ≤ 3 words)."""


@pytest.mark.parametrize("key", sorted(strings.all_strings()))
def test_every_spanish_string_reads_easily(key: str) -> None:
    """Issue 17: Fernández-Huerta ≥ 70 per string (textstat 0.7.8), the Spanish match of grade 6."""
    import textstat

    spanish = strings.all_strings()[key]["es"].replace("{", "").replace("}", "")
    if key in SPANISH_EXCEPTIONS:
        assert len(spanish.split()) <= 3, f"{key}: the exception is for a short label only"
        return
    textstat.set_lang("es")
    try:
        ease = textstat.fernandez_huerta(spanish)
    finally:
        textstat.set_lang("en_US")
    assert ease >= 70.0, f"{key}: {spanish} ({ease:.1f})"


def test_the_patient_languages_are_the_questionnaires() -> None:
    """Issue 21: no list of languages in the patient code; the questionnaire's `languages:` is the one."""
    from scoring import load_questionnaire
    from tests.core.conftest import DEFAULT_QUESTIONNAIRE

    offered = load_questionnaire(DEFAULT_QUESTIONNAIRE).languages
    assert strings.languages() == offered == ("en", "es")
    assert strings.problem(offered) is None
    missing = strings.problem([*offered, "fr"])
    assert missing is not None and "welcome_title: needs en, es, fr" in missing and "\n" not in missing
    for path in PATIENT_CODE:
        assert not re.search(r"\(\s*['\"]en['\"]\s*,\s*['\"]es['\"]\s*\)", path.read_text(encoding="utf-8")), path.name
