"""The patient page: server time of one answer step, and time to the first question in Chromium.

Targets (patient-flow issue): one step's p95 ≤ 50 ms and ≤ 3× a bare Streamlit script with one
radio and one button (both measured with AppTest in this run); opening the URL until the
welcome buttons can be tapped ≤ 1.3× the same bare script served by Streamlit.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
BARE_SCRIPT = """
import streamlit as st
st.radio("Do you have pain?", ["Yes", "No"], index=None, key="answer")
st.button("Next", key="next")
"""
# A whole screening with pain (32 questions asked from 1.2): every answer then Next is one step each.
FLOW: dict[str, object] = {
    "pain_present": "yes", "pain_location": None, "inciting_event": "yes", "pain_disproportionate": "yes",
    "pain_duration": "3_6m", "pain_intensity": 7, "burning_pain": "yes", "touch_sensitivity": "no",
    "temperature_difference": "yes", "skin_color_change": "unsure", "sweating_change": "no", "swelling": "yes",
    "stiffness": "yes", "weakness_tremor_or_odd_position": "no", "skin_hair_nail_change": "no", "sleep_problems": "yes",
    "mood_low": "no", "hand_or_foot_newly_pale": "no", "arm_or_leg_newly_swollen": "no",
    "breathless_or_chest_pain": "no", "fever_with_hot_red_limb": "no", "redness_spreading_fast": "no",
    "cast_or_tight_bandage": "no", "stroke_signs_last_hours": "no", "self_harm_thoughts": "no",
    # 1.2: one limb question per idea, chest symptoms in the last 2 days, pus, recent injury, spine
    "hand_or_foot_newly_cold": "no", "hand_or_foot_newly_numb": "no", "hand_or_foot_newly_weak": "no",
    "chest_pain_or_breathless_2_days": "no", "wound_with_pus": "no", "injury_or_surgery_2_weeks": "no",
    "spine_procedure_4_weeks": "no",
}
BROWSER_REPEATS = 5


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def patient_steps() -> list[float]:
    """ms per AppTest run after each tap (answer, Next) through a whole screening and submit."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=30)
    at.run()
    times = [_timed(next(b for b in at.button if b.label == "English").click().run)]
    while at.get("progress"):
        item_text = at.radio[0].label if at.radio else None
        item_id = next((k for k in FLOW if item_text and _item_text(k) == item_text), None)
        if item_id is not None and FLOW[item_id] is not None:
            times.append(_timed(at.radio[0].set_value(FLOW[item_id]).run))
        elif not at.radio and at.checkbox:  # where it hurts (required from 1.2): the first place
            times.append(_timed(at.checkbox[0].check().run))
        forward = next(b for b in at.button if b.label in ("Next", "Skip"))
        times.append(_timed(forward.click().run))
    times.append(_timed(next(b for b in at.button if b.label == "Send my answers").click().run))
    assert not at.exception and any(b.label == "Finish" for b in at.button), "the flow did not finish"
    return times


def _item_text(item_id: str) -> str:
    from scoring import load_questionnaire

    return load_questionnaire(REPO / "questionnaires" / "crps.yaml").item(item_id).text["en"]


def bare_steps(count: int) -> list[float]:
    at = AppTest.from_string(BARE_SCRIPT, default_timeout=30)
    at.run()
    times: list[float] = []
    for step in range(count):
        if step % 2:
            times.append(_timed(at.button[0].click().run))
        else:
            times.append(_timed(at.radio[0].set_value("Yes" if step % 4 else "No").run))
    return times


@contextmanager
def _server(script: str, env: dict[str, str]) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless=true", f"--server.port={port}",
         "--server.address=127.0.0.1", "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        break
            except OSError:
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def browser_figures(env: dict[str, str], bare_path: str) -> dict[str, float]:
    """Medians (ms) of: URL → welcome buttons clickable; English → first question; URL → bare radio."""
    from playwright.sync_api import sync_playwright

    figures: dict[str, list[float]] = {"welcome": [], "first_question": [], "bare": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"])
        with _server("app.py", env) as app_url, _server(bare_path, env) as bare_url:
            for repeat in range(BROWSER_REPEATS + 1):  # the first round warms both servers up
                context = browser.new_context(viewport={"width": 820, "height": 1180})
                page = context.new_page()
                started = time.perf_counter()
                page.goto(app_url)
                page.get_by_role("button", name="English").click(trial=True)
                welcome = (time.perf_counter() - started) * 1000
                started = time.perf_counter()
                page.get_by_role("button", name="English").click()
                page.get_by_test_id("stRadio").get_by_text("Yes", exact=True).click(trial=True)
                first_question = (time.perf_counter() - started) * 1000
                started = time.perf_counter()
                page.goto(bare_url)
                page.get_by_test_id("stRadio").get_by_text("Yes", exact=True).click(trial=True)
                bare = (time.perf_counter() - started) * 1000
                context.close()
                if repeat:
                    figures["welcome"].append(welcome)
                    figures["first_question"].append(first_question)
                    figures["bare"].append(bare)
        browser.close()
    return {name: statistics.median(values) for name, values in figures.items()}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.db'}"
        env["TAP_GUARD_SECONDS"] = "0"  # AppTest taps faster than a person; the guard would drop them
        previous = {name: os.environ.get(name) for name in ("DATABASE_URL", "TAP_GUARD_SECONDS")}
        os.environ.update({name: env[name] for name in previous})
        try:
            patient_steps()  # warm-up: imports, questionnaire, database schema
            page = patient_steps()
        finally:
            for name, value in previous.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        bare_steps(20)
        bare = bare_steps(len(page))
        print(f"   answer step (AppTest run after a tap), {len(page)} steps over a whole screening:")
        print(f"     patient page  median {statistics.median(page):6.1f} ms   p95 {_p95(page):6.1f} ms"
              "   (target p95 ≤ 50 ms)")
        print(f"     bare script   median {statistics.median(bare):6.1f} ms   p95 {_p95(bare):6.1f} ms")
        print(f"     ratio         median {statistics.median(page) / statistics.median(bare):6.2f}      "
              f"p95 {_p95(page) / _p95(bare):6.2f}      (target ≤ 3)")

        if not Path(CHROMIUM).exists():
            print(f"   browser: skipped ({CHROMIUM} not installed)")
            return
        bare_path = Path(tmp) / "bare_script.py"
        bare_path.write_text(BARE_SCRIPT, encoding="utf-8")
        figures = browser_figures(env, str(bare_path))
        print(f"   browser (Chromium, 820×1180, median of {BROWSER_REPEATS}):")
        print(f"     open URL → welcome buttons clickable   {figures['welcome']:6.0f} ms")
        print(f"     open URL → bare script's radio          {figures['bare']:6.0f} ms")
        ratio = figures["welcome"] / figures["bare"]
        print(f"     ratio                                   {ratio:6.2f}   (target ≤ 1.3)")
        print(f"     tap English → first question clickable  {figures['first_question']:6.0f} ms")


if __name__ == "__main__":
    main()
