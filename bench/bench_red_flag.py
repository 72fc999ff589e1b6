"""Red flag answered → urgent row in the database, in Chromium against a real server.

Target: p95 ≤ 1 s. The clock starts at the tap on "Yes" to the blocked-artery question and
stops when `Storage.open_urgent_for_tablet` first returns the row (polled every 5 ms from this
process). Baseline, same run, same way: a bare Streamlit script whose radio's on_change saves
the same scored result with `Storage.save_submission`, i.e. the same work minus the app
(session, partial scoring of the answers so far, the screen change).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from bench.bench_patient import CHROMIUM, _p95, _server
from scoring import load_questionnaire
from storage import Storage

REPO = Path(__file__).resolve().parents[1]
REPEATS = 20
BARE_SCRIPT = """
import uuid
import streamlit as st
from scoring import load_questionnaire, score
from storage import Storage

@st.cache_resource
def _storage():
    import os
    return Storage(os.environ["DATABASE_URL"])

@st.cache_resource
def _questionnaire():
    return load_questionnaire("questionnaires/crps.yaml")

def _save():
    questionnaire = _questionnaire()
    result = score(questionnaire, {"pain_present": "no", "hand_or_foot_newly_pale": "yes"}, "en", partial=True)
    _storage().save_submission(idempotency_key=uuid.uuid4().hex, result=result, language="en",
                               complete=False, tablet=st.query_params.get("tablet"))

st.radio("Did your hand or foot suddenly turn pale?", ["Yes", "No"], index=None, key="answer", on_change=_save)
"""


def _until_row(storage: Storage, tablet: str, started: float, limit: float = 30.0) -> float:
    while storage.open_urgent_for_tablet(tablet) is None:
        if time.perf_counter() - started > limit:
            raise RuntimeError(f"no urgent row for {tablet} after {limit} s")
        time.sleep(0.005)
    return (time.perf_counter() - started) * 1000


def _measure(browser: object, url: str, storage: Storage, reach: Callable[[object], None], label: str) -> list[float]:
    times: list[float] = []
    for repeat in range(REPEATS + 1):  # the first round warms up
        tablet = f"bench-{uuid.uuid4().hex[:12]}"
        context = browser.new_context(viewport={"width": 820, "height": 1180})  # type: ignore[attr-defined]
        page = context.new_page()
        page.goto(f"{url}/?tablet={tablet}")
        reach(page)
        yes = page.get_by_test_id("stRadio").get_by_text("Yes", exact=True)
        yes.click(trial=True)
        started = time.perf_counter()
        yes.click()
        elapsed = _until_row(storage, tablet, started)
        context.close()
        if repeat:
            times.append(elapsed)
    print(f"     {label:<13} median {statistics.median(times):6.0f} ms   p95 {_p95(times):6.0f} ms")
    return times


def _reach_artery_question(page: object) -> None:
    from tests.support.browser import settle

    question = load_questionnaire(REPO / "questionnaires" / "crps.yaml").item("hand_or_foot_newly_pale").text["en"]
    page.get_by_role("button", name="English").click()  # type: ignore[attr-defined]
    page.get_by_test_id("stRadio").get_by_text("No", exact=True).click()  # type: ignore[attr-defined]
    settle(page)
    page.get_by_role("button", name="Next", exact=True).click()  # type: ignore[attr-defined]
    page.get_by_text(question, exact=True).first.wait_for()  # type: ignore[attr-defined]
    settle(page)


def main() -> None:
    if not Path(CHROMIUM).exists():
        print(f"   skipped ({CHROMIUM} not installed)")
        return
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.db'}"
        env["TAP_GUARD_SECONDS"] = "0"
        bare_path = REPO / f".bench_red_flag_bare_{os.getpid()}.py"  # run from the repo (imports)
        bare_path.write_text(BARE_SCRIPT, encoding="utf-8")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                     args=["--no-sandbox", "--disable-dev-shm-usage"])
                with _server("app.py", env) as app_url, _server(bare_path.name, env) as bare_url:
                    storage = Storage(env["DATABASE_URL"])
                    print(f"   red flag answered → urgent row in the database ({REPEATS} tablets each):")
                    app = _measure(browser, app_url, storage, _reach_artery_question, "patient app")
                    bare = _measure(browser, bare_url, storage, lambda page: None, "bare save")
                browser.close()
        finally:
            bare_path.unlink(missing_ok=True)
        print(f"     ratio         median {statistics.median(app) / statistics.median(bare):6.2f}   "
              f"p95 {_p95(app) / _p95(bare):6.2f}   (target: app p95 ≤ 1000 ms)")


if __name__ == "__main__":
    main()
