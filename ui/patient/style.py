"""Static styling for a tablet: big targets (≥56 px), large type. No patient data ever goes here."""

from __future__ import annotations

import streamlit as st

from ui.patient.strings import languages

# The affected hand may hurt, shake or be weak (CLINICAL.md section 5): every target is at
# least 56 px high and spans the width where it can; answers are whole rows, not small dots.
_CSS = """
<style>
.block-container { padding-top: 2rem; }
.stButton button { min-height: 56px; font-size: 1.1rem; padding: 0.5rem 1.25rem; }
.stButton button p { font-size: 1.1rem; }
.st-key-patient-question [data-testid="stMarkdownContainer"] p,
.st-key-patient-question [data-testid="stRadio"] > [data-testid="stWidgetLabel"] p {
  font-size: 1.45rem; line-height: 1.4; font-weight: 600;
}
.st-key-patient-question [data-testid="stCaptionContainer"] p { font-size: 1.1rem; font-weight: 400; color: #374151; }
.st-key-patient-question [data-testid="stCaptionContainer"] { opacity: 1; }  /* Streamlit's 0.6 failed contrast */
.st-key-patient-question [role="radiogroup"] { gap: 12px; width: 100%; }
.st-key-patient-question [role="radiogroup"] > div { width: 100%; }
.st-key-patient-question [role="radiogroup"][aria-orientation="horizontal"] > div { width: auto; }
.st-key-patient-question [data-testid="stRadioOption"],
.st-key-patient-question [data-testid="stCheckbox"] label {
  min-height: 60px; width: 100%; box-sizing: border-box; align-items: center; margin: 0;
  padding: 10px 16px; border: 2px solid #6b7280; border-radius: 12px; background: #ffffff; cursor: pointer;
}
.st-key-patient-question [data-testid="stRadioOption"]:has(input:checked),
.st-key-patient-question [data-testid="stCheckbox"] label:has(input:checked) {
  border-color: #1d4ed8; background: #dbeafe;
}
.st-key-patient-question [data-testid="stRadioOption"] p,
.st-key-patient-question [data-testid="stCheckbox"] label p { font-size: 1.3rem; font-weight: 400; }
.st-key-patient-question [aria-orientation="horizontal"] [data-testid="stRadioOption"] {
  min-width: 60px; justify-content: center; padding: 10px 8px;
}
.st-key-reference-code code {
  font-size: 3rem; font-weight: 700; letter-spacing: 0.15em; padding: 0.25rem 0.75rem; color: #111827;
}
.st-key-urgent-message p { font-size: 1.6rem; line-height: 1.4; font-weight: 600; }
.patient-about { font-size: 1.25rem; line-height: 1.5; }
</style>
"""


def apply(language: str) -> None:
    """The page's CSS, and the page language for screen readers (`<html lang>`)."""
    st.html(_CSS)
    if language in languages():  # only a fixed code from our own list ever reaches the script
        st.html(f'<script>document.documentElement.lang = "{language}";</script>', unsafe_allow_javascript=True)
