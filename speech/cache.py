"""Rendered audio on disk: `FOLDER/<questionnaire version>/<language>/<sha256 of text>.wav`.

Written to a temporary name and renamed, so a crash never leaves half a file under a final name;
0600 files in 0700 folders, like the database. Only static text is ever cached (questions,
answer labels, screen strings), never an answer, so the cache may be shared by every session.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from scoring import Questionnaire
from speech.espeak import render_wav


def _safe(part: str) -> str:
    return "".join(c if c.isalnum() or c in ".-_" else "_" for c in part) or "_"


class AudioCache:
    """Rendered WAV files for one folder; `audio()` renders at first use."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def path(self, text: str, language: str, version: str) -> Path:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
        return self.folder / _safe(version) / _safe(language) / f"{digest}.wav"

    def audio(self, text: str, language: str, version: str) -> bytes:
        """The WAV for `text`, from disk or rendered now (raises `SpeechUnavailable`)."""
        path = self.path(text, language, version)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            pass
        wav = render_wav(text, language)
        self._write(path, wav)
        return wav

    def render(self, text: str, language: str) -> bytes:
        """The WAV for `text` made now and never written down (text holding a patient's answers)."""
        return render_wav(text, language)

    def size(self) -> tuple[int, int]:
        """(files, bytes) in the cache."""
        files = [p for p in self.folder.rglob("*.wav") if p.is_file()] if self.folder.exists() else []
        return len(files), sum(p.stat().st_size for p in files)

    def _write(self, path: Path, wav: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        folder = path.parent
        while True:  # every folder of ours 0700 (mkdir's mode applies to the last one only)
            folder.chmod(0o700)
            if folder == self.folder:
                break
            folder = folder.parent
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(wav)
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def question_text(questionnaire: Questionnaire, item_id: str, language: str) -> str:
    """What "Read aloud" says on a question's screen: the question, then each answer choice."""
    item = questionnaire.item(item_id)
    parts = [item.text[language]]
    if item.kind == "integer" and item.min_label is not None and item.max_label is not None:
        parts += [f"{item.minimum}: {item.min_label[language]}", f"{item.maximum}: {item.max_label[language]}"]
    parts += [choice.label[language] for choice in item.choices]
    return _sentences(parts)


def _sentences(parts: list[str]) -> str:
    """Join with a full stop between parts (a pause when spoken), unless a part already ends one."""
    return " ".join(part if part.rstrip().endswith((".", "?", "!", ":")) else f"{part.rstrip()}." for part in parts)


def patient_texts(questionnaire: Questionnaire) -> Iterator[tuple[str, str]]:
    """(language, text) for every question screen of the questionnaire, for `make speech`."""
    for language in questionnaire.languages:
        for item in questionnaire.items:
            yield language, question_text(questionnaire, item.id, language)
