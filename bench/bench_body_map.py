"""The body map step vs the plain list step, in AppTest and in Chromium, in the same run.

AppTest: the page run after a tap on a region of the body map (choose, then undo), against the
page run after ticking the same answer's check box in the plain list (the item's other view, the
1.1 control): same app, same question, same answer, only the control differs. Target: p95 ≤ 1.5×.
Chromium: from the tap to the screen saying the place is chosen and the page run it caused
finished (a check box ticks in the browser before its run, so both wait for the run), p50/p95.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from bench.bench_patient import CHROMIUM, _p95, _server

REPO = Path(__file__).resolve().parents[1]
TAPS = int(os.environ.get("BENCH_BODY_MAP_TAPS", "40"))
LABEL = "Right arm or hand"


def _to_the_question() -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=30)
    at.run()
    next(b for b in at.button if b.label == "English").click().run()
    at.radio[0].set_value("yes").run()
    next(b for b in at.button if b.label == "Next").click().run()
    return at


def _timed(run: object) -> float:
    started = time.perf_counter()
    run()  # type: ignore[operator]
    return (time.perf_counter() - started) * 1000


def apptest() -> tuple[list[float], list[float]]:
    at = _to_the_question()
    on_map = []
    for _ in range(TAPS):
        button = next(b for b in at.button if b.label.startswith(LABEL))
        on_map.append(_timed(button.click().run))
    next(b for b in at.button if b.label == "Show as a list").click().run()
    on_list = []
    for _ in range(TAPS):
        box = next(c for c in at.checkbox if c.label == LABEL)
        on_list.append(_timed((box.uncheck() if box.value else box.check()).run))
    return on_map, on_list


def chromium(url: str) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"])
        page = browser.new_page(viewport={"width": 820, "height": 1180})
        runs = PageRuns(page)
        page.set_default_timeout(60_000)
        page.goto(f"{url}/?tablet=bench-map")
        page.get_by_role("button", name="English").click()
        page.get_by_test_id("stRadio").get_by_text("Yes", exact=True).click()
        page.get_by_role("radio", name="Yes", checked=True).wait_for(state="attached")
        page.get_by_role("button", name="Next").click()
        page.get_by_role("button", name=LABEL).wait_for()
        on_map = []
        for index in range(TAPS // 2):
            chosen = index % 2 == 0
            before = runs.finished
            started = time.perf_counter()
            page.get_by_role("button", name=LABEL).first.click()
            target = f"{LABEL} (chosen)" if chosen else LABEL
            page.get_by_role("button", name=target, exact=True).wait_for()
            runs.wait_past(before)
            on_map.append((time.perf_counter() - started) * 1000)
        if on_map and len(on_map) % 2:  # leave it unchosen for the list
            page.get_by_role("button", name=f"{LABEL} (chosen)").click()
            page.get_by_role("button", name=LABEL, exact=True).wait_for()
        page.get_by_role("button", name="Show as a list").click()
        page.get_by_role("checkbox", name=LABEL).wait_for(state="attached")
        on_list = []
        for index in range(TAPS // 2):
            before = runs.finished
            started = time.perf_counter()
            page.get_by_test_id("stCheckbox").get_by_text(LABEL, exact=True).click()
            page.get_by_role("checkbox", name=LABEL, checked=index % 2 == 0).wait_for(state="attached")
            runs.wait_past(before)
            on_list.append((time.perf_counter() - started) * 1000)
        browser.close()
    return on_map, on_list


class PageRuns:
    """Counts the app's finished page runs as the browser hears of them: each `script_finished`
    message (Streamlit's protobuf `ForwardMsg`) on the page's websocket that ends a whole run,
    not a timer's fragment run nor one cut short for a rerun. (Watching the app root's run-state
    attribute missed short runs: React can write "running" and "notRunning" in one commit, so the
    attribute never changes and a tap was timed until the page's next 5 s timer run, a p95 of
    5 s on both sides.)"""

    def __init__(self, page: Any) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self.page, self.finished = page, 0
        done = ForwardMsg.FINISHED_SUCCESSFULLY

        def on_frame(payload: bytes | str) -> None:
            if isinstance(payload, bytes):
                message = ForwardMsg.FromString(payload)
                if message.WhichOneof("type") == "script_finished" and message.script_finished == done:
                    self.finished += 1

        page.on("websocket", lambda socket: socket.on("framereceived", on_frame))

    def wait_past(self, before: int, timeout: float = 60.0) -> None:
        """Until a run after the `before`-th has finished (events are read while Playwright waits)."""
        deadline = time.perf_counter() + timeout
        while self.finished <= before:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no page run finished within {timeout} s")
            self.page.wait_for_timeout(2)


def _line(name: str, on_map: list[float], on_list: list[float]) -> str:
    return (f"   {name}: body map p50 {statistics.median(on_map):.0f} ms, p95 {_p95(on_map):.0f} ms; plain list "
            f"p50 {statistics.median(on_list):.0f} ms, p95 {_p95(on_list):.0f} ms; ratio p95 "
            f"{_p95(on_map) / _p95(on_list):.2f}")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.db"
        os.environ["TAP_GUARD_SECONDS"] = "0"
        print(_line(f"AppTest, {TAPS} taps each", *apptest()))
        if Path(CHROMIUM).exists():
            env = {**os.environ, "SPEECH_CACHE_DIR": str(Path(folder) / "speech")}
            with _server("app.py", env) as url:
                print(_line(f"Chromium, {TAPS // 2} taps each", *chromium(url)))


if __name__ == "__main__":
    main()
