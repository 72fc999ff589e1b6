"""`python -m speech prepare`: render every question screen's audio ahead (`make speech`)."""

from __future__ import annotations

import argparse
import sys
import time

from scoring import QuestionnaireError, load_questionnaire
from settings import settings_or_exit
from speech import AudioCache, SpeechUnavailable, espeak_available, patient_texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m speech", description=__doc__)
    parser.add_argument("verb", choices=["prepare"])
    parser.parse_args(argv)
    settings = settings_or_exit("python -m speech")
    if not espeak_available():
        print("python -m speech: espeak-ng is not installed; tablets will read aloud only with their "
              "own browser voice (apt-get install espeak-ng for server audio)")
        return 0
    try:
        questionnaire = load_questionnaire(settings.questionnaire)
    except QuestionnaireError as exc:
        print(f"python -m speech: {exc}", file=sys.stderr)
        return 2
    cache = AudioCache(settings.speech_cache_dir)
    started = time.perf_counter()
    count = 0
    try:
        for language, text in patient_texts(questionnaire):
            cache.audio(text, language, questionnaire.version)
            count += 1
    except SpeechUnavailable as exc:
        print(f"python -m speech: {exc}", file=sys.stderr)
        return 2
    files, size = cache.size()
    print(f"read-aloud audio for {questionnaire.id} {questionnaire.version}: {count} question screens ready in "
          f"{time.perf_counter() - started:.1f} s; cache {cache.folder}: {files} files, {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
