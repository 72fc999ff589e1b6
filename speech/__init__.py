"""Read-aloud audio rendered on the clinic's own server with Debian's `espeak-ng`, no internet.

The tablet reads with the browser's own voice when it has one for the language; otherwise it
plays audio rendered here from the questionnaire's and the screens' text (never a patient's
answer), cached on disk per questionnaire version, language and string, so each string is
rendered once (`make speech` renders them all ahead; otherwise at first use).

Pure Python and a subprocess: never imports Streamlit, SQLAlchemy, reportlab or `ui`.
"""

from speech.cache import AudioCache, patient_texts, question_text
from speech.espeak import VOICES, SpeechUnavailable, espeak_available, render_wav

__all__ = [
    "VOICES", "AudioCache", "SpeechUnavailable", "espeak_available", "patient_texts", "question_text", "render_wav",
]
