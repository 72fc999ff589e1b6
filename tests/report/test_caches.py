"""The caches that make the PDF fast (fixed wording, line breaks, the chart's static parts) must not
change a byte of the output, and must never hold a patient's words."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from reportlab import rl_config

from report import chart, styles
from scoring import score
from tests.support.answers import RED_FLAGS, answers, with_categories
from tests.support.pdf import QUESTIONNAIRE, build


@pytest.fixture
def invariant() -> Iterator[None]:
    """reportlab's reproducible mode: no creation date or random document id in the bytes."""
    before = rl_config.invariant
    rl_config.invariant = 1
    yield
    rl_config.invariant = before


def _clear() -> None:
    styles._FRAGS.clear()
    styles._LINES.clear()
    chart._static.cache_clear()


@pytest.mark.usefixtures("invariant")
def test_cached_build_is_byte_for_byte_the_cold_build() -> None:
    spanish = score(QUESTIONNAIRE, with_categories("sensory", "vasomotor", self_harm_thoughts="yes"), "es")
    other = score(QUESTIONNAIRE, answers(**{flag: "yes" for flag in RED_FLAGS}))
    for variant in ("clinician", "patient"):
        _clear()
        cold = build(spanish, variant=variant, language="es", note="first")
        build(other, variant=variant, note="second")  # different wording widths and bars in between
        warm = build(spanish, variant=variant, language="es", note="first")
        assert styles._FRAGS and styles._LINES  # the caches were used
        assert warm == cold


def test_no_patient_words_in_the_caches() -> None:
    note = "Zqxv called back about the left foot"
    result = score(QUESTIONNAIRE, with_categories("sensory", "motor_trophic", pain_location=["left_leg"]))
    build(result, note=note, variant="clinician")
    build(result, note=note, variant="patient")
    keys = [key[0] for key in (*styles._FRAGS, *styles._LINES)]
    assert keys
    assert not any("Zqxv" in key or "K7M-4PX" in key or "2026-11-24" in key for key in keys)
    assert not any("Bayside" in key for key in keys)  # the clinic's name is data too


@pytest.mark.usefixtures("invariant")
def test_documents_built_at_once_on_threads_match_one_at_a_time() -> None:
    """Streamlit serves sessions on threads: reportlab's font subsets and the shared chart parts
    must not mix between documents (without `_ONE_AT_A_TIME` this fails or raises)."""
    cases = [
        (score(QUESTIONNAIRE, with_categories("sensory", "vasomotor", self_harm_thoughts="yes"), "es"), "es"),
        (score(QUESTIONNAIRE, answers(**{flag: "yes" for flag in RED_FLAGS})), "en"),
        (score(QUESTIONNAIRE, with_categories("sensory", "vasomotor", "sudomotor_edema", "motor_trophic")), "en"),
    ]
    jobs = [(result, language, variant) for result, language in cases for variant in ("clinician", "patient")] * 3
    expected = [build(result, variant=variant, language=language) for result, language, variant in jobs]
    _clear()
    for _ in range(6):  # a race shows up in some rounds, not every one
        with ThreadPoolExecutor(max_workers=6) as pool:
            built = list(pool.map(lambda job: build(job[0], variant=job[2], language=job[1]), jobs))
        assert built == expected
