"""Server-side read-aloud audio (`speech`): espeak-ng renders WAV in both languages, the cache
writes each static string once (0600 files, 0700 folders, never half a file), and a tablet with
no server audio is told in one line, never a traceback."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import wave
from pathlib import Path

import pytest

import speech
from scoring import load_questionnaire
from speech import AudioCache, SpeechUnavailable, question_text, render_wav

REPO = Path(__file__).resolve().parents[2]
QUESTIONNAIRE = load_questionnaire(REPO / "questionnaires" / "crps.yaml")


@pytest.fixture(autouse=True)
def _espeak() -> None:
    if not speech.espeak_available():
        if os.environ.get("REQUIRE_BROWSER") == "1":  # CI installs espeak-ng (.ci/run)
            pytest.fail("espeak-ng is missing (apt-get install espeak-ng)")
        pytest.skip("espeak-ng not installed")


def _seconds(wav: bytes) -> float:
    with wave.open(io.BytesIO(wav)) as audio:
        return audio.getnframes() / audio.getframerate()


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_question_screen_renders_as_seconds_of_speech(language: str) -> None:
    for item in QUESTIONNAIRE.items[:3]:
        wav = render_wav(question_text(QUESTIONNAIRE, item.id, language), language)
        assert wav[:4] == b"RIFF" and _seconds(wav) > 1.0


def test_spanish_and_english_voices_differ() -> None:
    said = "Sí. No."
    assert render_wav(said, "es") != render_wav(said, "en")


def test_text_is_spoken_never_run() -> None:
    wav = render_wav("--help; $(touch /tmp/never) `id` -v xx", "en")  # on stdin: no flag, no shell
    assert wav[:4] == b"RIFF" and _seconds(wav) > 1.0
    assert not Path("/tmp/never").exists()


def test_no_voice_or_no_espeak_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SpeechUnavailable, match="no espeak-ng voice for language 'fr'"):
        render_wav("Bonjour", "fr")
    monkeypatch.setattr("speech.espeak.shutil.which", lambda name: None)
    with pytest.raises(SpeechUnavailable) as raised:
        render_wav("Hello", "en")
    assert str(raised.value) == "espeak-ng is not installed (apt-get install espeak-ng)"


def test_question_text_reads_the_question_then_every_answer() -> None:
    item = next(item for item in QUESTIONNAIRE.items if item.kind == "single" and len(item.choices) == 3)
    said = question_text(QUESTIONNAIRE, item.id, "es")
    positions = [said.index(item.text["es"])] + [said.index(choice.label["es"]) for choice in item.choices]
    assert positions == sorted(positions)
    scale = next(item for item in QUESTIONNAIRE.items if item.kind == "integer")
    assert scale.min_label is not None and scale.min_label["en"] in question_text(QUESTIONNAIRE, scale.id, "en")


def test_cache_renders_each_string_once_per_version_and_language(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    cache = AudioCache(tmp_path / "speech")
    calls: list[tuple[str, str]] = []
    real = speech.cache.render_wav

    def counting(text: str, language: str) -> bytes:
        calls.append((text, language))
        return real(text, language)

    monkeypatch.setattr("speech.cache.render_wav", counting)
    first = cache.audio("Hello there.", "en", "1.2.0")
    assert cache.audio("Hello there.", "en", "1.2.0") == first
    cache.audio("Hello there.", "en", "1.3.0")  # another version is another file
    cache.audio("Hola.", "es", "1.2.0")
    assert len(calls) == 3
    path = cache.path("Hello there.", "en", "1.2.0")
    assert path.parent.parent.name == "1.2.0" and path.parent.name == "en"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for folder in (tmp_path / "speech", path.parent.parent, path.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert cache.size() == (3, sum(p.stat().st_size for p in (tmp_path / "speech").rglob("*.wav")))


def test_a_failed_write_leaves_no_file_under_its_final_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = AudioCache(tmp_path / "speech")

    def full_disk(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("speech.cache.os.replace", full_disk)
    with pytest.raises(OSError):
        cache.audio("Hello.", "en", "1.2.0")
    assert list((tmp_path / "speech").rglob("*")) and not list((tmp_path / "speech").rglob("*.wav"))
    assert not list((tmp_path / "speech").rglob("*.part"))


def test_render_for_this_page_only_writes_nothing(tmp_path: Path) -> None:
    cache = AudioCache(tmp_path / "speech")
    assert cache.render("Your code is A B C.", "en")[:4] == b"RIFF"
    assert not (tmp_path / "speech").exists()


def test_make_speech_prepares_every_question_screen_in_both_languages(tmp_path: Path) -> None:
    env = {**os.environ, "SPEECH_CACHE_DIR": str(tmp_path / "speech")}
    done = subprocess.run([sys.executable, "-m", "speech", "prepare"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    screens = len(QUESTIONNAIRE.items) * len(QUESTIONNAIRE.languages)
    assert f"{screens} question screens ready" in done.stdout
    assert len(list((tmp_path / "speech").rglob("*.wav"))) == screens
