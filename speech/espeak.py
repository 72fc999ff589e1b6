"""Text to WAV with `espeak-ng`: one subprocess per string, the text on stdin (never a shell)."""

from __future__ import annotations

import shutil
import subprocess

VOICES = {"en": "en-us", "es": "es-419"}
"""espeak-ng voice per questionnaire language: US English and Latin American Spanish (a Florida
clinic's patients); a language missing here has no server audio (the browser's voice only)."""
WORDS_PER_MINUTE = 150
"""A little slower than espeak-ng's 175: plain words for people who read poorly or are in pain."""
TIMEOUT_SECONDS = 20


class SpeechUnavailable(RuntimeError):
    """Server audio cannot be made here (espeak-ng missing, or no voice for the language)."""


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def render_wav(text: str, language: str) -> bytes:
    """The text spoken in `language`, as a WAV file's bytes; raises `SpeechUnavailable`."""
    voice = VOICES.get(language)
    program = shutil.which("espeak-ng")
    if voice is None:
        raise SpeechUnavailable(f"no espeak-ng voice for language {language!r}")
    if program is None:
        raise SpeechUnavailable("espeak-ng is not installed (apt-get install espeak-ng)")
    try:
        done = subprocess.run(  # noqa: S603  (fixed program and flags; the text goes on stdin)
            [program, "-v", voice, "-s", str(WORDS_PER_MINUTE), "--stdin", "--stdout"],
            input=text.encode("utf-8"), capture_output=True, timeout=TIMEOUT_SECONDS, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SpeechUnavailable(f"espeak-ng did not run: {type(exc).__name__}") from None
    if done.returncode != 0 or not done.stdout.startswith(b"RIFF"):
        raise SpeechUnavailable(f"espeak-ng failed with exit status {done.returncode}")
    return done.stdout
