"""Read-aloud: espeak-ng render and cache costs, the cache's size, and tap → first audio in Chromium.

Server side: every question screen of the questionnaire in both languages rendered cold (ms per
screen), then read back from the disk cache; the cache's size. In Chromium (no browser voice, so
the server audio plays, as on a tablet without one): the time from the tap on "Read aloud" to the
audio element's `playing` event, p50/p95 over REPEATS taps, against a baseline in the same run
doing the same work minus what read-aloud adds: a bare Streamlit script whose button draws
`st.audio` of the same WAV bytes and the same playing script (no app, no cache look-up).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.bench_patient import CHROMIUM, _p95, _server
from scoring import load_questionnaire
from speech import AudioCache, espeak_available, question_text

REPO = Path(__file__).resolve().parents[1]
REPEATS = int(os.environ.get("BENCH_READ_ALOUD_REPEATS", "20"))
FIRST = "pain_present"
PLAYED = "() => window.__played || 0"
LISTEN = "document.addEventListener('playing', () => { window.__played = (window.__played || 0) + 1; }, true);"
BARE_SCRIPT = """
import os
from pathlib import Path
import streamlit as st
from ui.patient.read_aloud import READ_ALOUD_SCRIPT
wav = Path(os.environ["BENCH_WAV"]).read_bytes()
if st.button("Read aloud", key="read"):
    st.session_state["n"] = st.session_state.get("n", 0) + 1
    with st.container(key="read-aloud-audio"):
        st.audio(wav, format="audio/wav")
    st.html(f'<div hidden data-read-aloud="{st.session_state["n"]}" data-lang="en" data-text="x"></div>'
            + READ_ALOUD_SCRIPT, unsafe_allow_javascript=True)
"""


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000


def server_side(folder: Path) -> AudioCache:
    questionnaire = load_questionnaire(REPO / "questionnaires" / "crps.yaml")
    cache = AudioCache(folder)
    for language in questionnaire.languages:
        cold, warm = [], []
        for item in questionnaire.items:
            said = question_text(questionnaire, item.id, language)
            started = time.perf_counter()
            cache.audio(said, language, questionnaire.version)
            cold.append(_ms(started))
            started = time.perf_counter()
            cache.audio(said, language, questionnaire.version)
            warm.append(_ms(started))
        print(f"   {language}: {len(cold)} question screens; espeak-ng render p50 {statistics.median(cold):.0f} ms, "
              f"p95 {_p95(cold):.0f} ms; from the disk cache p50 {statistics.median(warm):.2f} ms, "
              f"p95 {_p95(warm):.2f} ms")
    files, size = cache.size()
    print(f"   cache for both languages: {files} files, {size / 1e6:.1f} MB ({size / max(files, 1) / 1e3:.0f} kB each)")
    return cache


def _taps(browser: object, url: str, label: str) -> list[float]:
    context = browser.new_context(viewport={"width": 820, "height": 1180})  # type: ignore[attr-defined]
    context.add_init_script("Object.defineProperty(window, 'speechSynthesis', {value: undefined});" + LISTEN)
    page = context.new_page()
    page.goto(url)
    if "tablet=" in url:
        page.get_by_role("button", name="English").click()
        page.get_by_text("Question 1 of", exact=False).wait_for()
    page.get_by_role("button", name=label).wait_for()
    time.sleep(1)
    times = []
    for _ in range(REPEATS):
        before = page.evaluate(PLAYED)
        started = time.perf_counter()
        page.get_by_role("button", name=label).click()
        page.wait_for_function(f"() => (window.__played || 0) > {before}", timeout=30_000)
        times.append(_ms(started))
        page.evaluate("() => document.querySelectorAll('audio').forEach((a) => a.pause())")
        time.sleep(0.3)
    context.close()
    return times


def main() -> None:
    if not espeak_available():
        print("   espeak-ng not installed: skipped (apt-get install espeak-ng)")
        return
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        cache = server_side(Path(folder) / "speech")
        questionnaire = load_questionnaire(REPO / "questionnaires" / "crps.yaml")
        wav_path = cache.path(question_text(questionnaire, FIRST, "en"), "en", questionnaire.version)
        bare = Path(folder) / "bare.py"
        bare.write_text(BARE_SCRIPT, encoding="utf-8")
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/bench.db",
               "SPEECH_CACHE_DIR": str(Path(folder) / "speech"), "BENCH_WAV": str(wav_path)}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                 args=["--no-sandbox", "--disable-dev-shm-usage"])
            with _server("app.py", env) as url:
                app = _taps(browser, f"{url}/?tablet=bench-read", "Read aloud")
            with _server(str(bare), env) as url:
                baseline = _taps(browser, url, "Read aloud")
            browser.close()
    print(f"   tap → first audio, {REPEATS} taps: app p50 {statistics.median(app):.0f} ms, p95 {_p95(app):.0f} ms; "
          f"bare st.audio p50 {statistics.median(baseline):.0f} ms, p95 {_p95(baseline):.0f} ms; "
          f"ratio p95 {_p95(app) / _p95(baseline):.2f}")


if __name__ == "__main__":
    main()
