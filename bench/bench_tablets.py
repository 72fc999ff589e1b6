"""Tablets through the proxy: N Playwright tablets completing screenings on two app servers.

40 tablets through Caddy to two Streamlit servers on one PostgreSQL
database for 5 minutes: answer step p95 ≤ 100 ms, 0 lost, 0 duplicated, and no server's memory
growing without bound (RSS sampled every 10 s, slope by least squares). Baseline in the same run:
the same tablets, each pinned to the same server, talking to it directly (no proxy), so the ratio
is what the proxy adds.

One Chromium drives every tablet from this one thread: each tablet is a generator that does one
step (answer, tap Next) and yields, so all tablets' reruns are in flight together. The answer
step is timed inside each page (tap of Next → the next screen rendered and settled, the
`settle` condition), so the driver's own pace does not count in it.

    python -m bench.bench_tablets --tablets 40 --seconds 300    # the issue's run
    python -m bench tablets                                     # `make bench`: 4 tablets, 90 s
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import shutil
import statistics
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from bench.bench_patient import CHROMIUM, FLOW
from scoring import AnswerValue, flow
from storage import QueueFilter, Storage
from tests.support.browser import SCRIPT_FINISHED, TABLET
from tests.support.plans import NO_RED_FLAGS
from tests.support.postgres_cluster import throwaway_cluster
from tests.support.tablet_browser import (
    QUESTIONNAIRE,
    open_welcome,
    reference_on_screen,
    tap_answer,
    tap_button,
    wait_for_question,
)
from ui.patient.strings import text

# Loaded by name: mypy checks bench/ but not tests/deploy/, whose Popen typing it would flag here.
deploy_stack = importlib.import_module("tests.support.deploy_stack")
LB_COOKIE: str = deploy_stack.LB_COOKIE
AppServer = Any  # tests.support.deploy_stack.AppServer
Stack = Any  # tests.support.deploy_stack.Stack

PLAN: dict[str, AnswerValue] = {
    **{key: cast(AnswerValue, value) for key, value in FLOW.items() if value is not None},
    "pain_location": ("left_arm",),
}
"""A whole screening with pain and no red flag: every question asked is answered, then Next."""
NO_PAIN: dict[str, AnswerValue] = {"pain_present": "no", **NO_RED_FLAGS}
"""`--no-pain`: the shortest whole screening (9 questions), so more of them finish in a run."""
SAMPLE_SECONDS = 10
LANGUAGE = "en"

STEP_TIMER = f"""(() => {{
  const finished = {SCRIPT_FINISHED};
  const progress = () => {{
    const bar = document.querySelector('[data-testid="stProgress"]');
    return bar === null ? null : bar.innerText;
  }};
  window.__steps = [];
  let armed = null;
  document.addEventListener('click', (event) => {{
    const button = event.target instanceof Element ? event.target.closest('button') : null;
    if (button !== null && button.innerText.trim() === {text("next", LANGUAGE)!r}) {{
      armed = {{at: performance.now(), from: progress()}};
    }}
  }}, true);
  new MutationObserver(() => {{
    if (armed !== null && progress() !== armed.from && finished()) {{
      window.__steps.push(performance.now() - armed.at);
      armed = null;
    }}
  }}).observe(document, {{subtree: true, childList: true, attributes: true, characterData: true}});
}})();"""
"""Installed in every tablet page: ms from the tap of Next until the screen after it has rendered
and its run has finished (no stale element left), measured by the page's own clock."""


@dataclass
class Tablet:
    name: str
    page: Any
    steps: list[float] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    taps: int = 0
    sent: int = 0
    abandoned: int = 0
    error: str | None = None


def run_tablet(tablet: Tablet, url: str, deadline: float, plan: dict[str, AnswerValue]) -> Iterator[None]:
    """One tablet's screenings until the deadline, one step per `next()`; a screening still on
    its questions at the deadline is abandoned (not sent), one already sent is seen through."""
    page = tablet.page
    page.goto(url, wait_until="commit")  # `open_welcome` without waiting: the others load meanwhile
    yield
    page.get_by_role("button", name="Español").wait_for()
    while time.monotonic() < deadline:
        tap_button(page, "English")
        yield
        given: dict[str, AnswerValue] = {}
        item_id: str | None = flow.first_item(QUESTIONNAIRE, given)
        while item_id is not None:
            if time.monotonic() >= deadline:
                tablet.abandoned += 1
                return
            wait_for_question(page, given, item_id, LANGUAGE)
            if item_id in plan:
                tap_answer(page, item_id, plan[item_id], LANGUAGE)
                given[item_id] = plan[item_id]
                tap_button(page, text("next", LANGUAGE))
            else:
                tap_button(page, text("skip", LANGUAGE))
            tablet.taps += 1
            yield
            item_id = flow.item_after(QUESTIONNAIRE, given, item_id)
        page.get_by_role("heading", name=text("review_title", LANGUAGE)).wait_for()
        tap_button(page, text("submit", LANGUAGE))
        tablet.sent += 1
        yield
        tablet.references.append(reference_on_screen(page))
        tablet.steps.extend(page.evaluate("window.__steps.splice(0)"))
        tap_button(page, text("finish", LANGUAGE))
        yield
        page.get_by_role("button", name="English").wait_for()


def drive(tablets: list[tuple[Tablet, str]], seconds: float, plan: dict[str, AnswerValue]) -> None:
    """Round-robin: each live tablet takes one step in turn until every one has stopped."""
    deadline = time.monotonic() + seconds
    live = {tablet.name: (tablet, run_tablet(tablet, url, deadline, plan)) for tablet, url in tablets}
    while live:
        for name, (tablet, steps) in list(live.items()):
            try:
                next(steps)
            except StopIteration:
                del live[name]
            except Exception as error:  # a stuck tablet is a finding, not the end of the run
                tablet.error = str(error).splitlines()[0][:200]
                del live[name]
            if name not in live:  # the steps of a screening abandoned or stuck count too
                with contextlib.suppress(Exception):  # a page that cannot answer has no more steps
                    tablet.steps.extend(tablet.page.evaluate("window.__steps.splice(0)"))


# --- what the servers and the browser cost ----------------------------------------------------
def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def cpu_by_part(stack: Stack) -> dict[str, float]:
    """CPU seconds so far of: the app servers, Caddy, Chromium with Playwright's driver, this process."""
    servers = {server.process.pid for server in stack.servers}
    others = descendants(os.getpid()) - servers - {stack.caddy.pid}
    times = os.times()
    return {
        "app servers": sum(cpu_seconds(pid) for pid in servers),
        "caddy": cpu_seconds(stack.caddy.pid),
        "chromium + driver": sum(cpu_seconds(pid) for pid in others),
        "bench (python)": times.user + times.system,
    }


class RssSampler:
    """Every SAMPLE_SECONDS, each app server's RSS (MB), in a background thread."""

    def __init__(self, servers: list[AppServer]) -> None:
        self.servers = servers
        self.samples: list[tuple[float, list[float]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._started = time.monotonic()
        self._thread.start()

    def _run(self) -> None:
        while True:
            self.samples.append((time.monotonic() - self._started, [rss_mb(s.process.pid) for s in self.servers]))
            if self._stop.wait(SAMPLE_SECONDS):
                return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append((time.monotonic() - self._started, [rss_mb(s.process.pid) for s in self.servers]))

    def slope_mb_per_min(self, index: int) -> float:
        minutes = [at / 60 for at, _ in self.samples]
        if len(minutes) < 2:
            return 0.0
        return statistics.linear_regression(minutes, [mb[index] for _, mb in self.samples]).slope


# --- one phase: N tablets, through the proxy or straight to their server ----------------------
@dataclass
class Phase:
    label: str
    tablets: list[Tablet]
    seconds: float
    rss: RssSampler
    cpu: dict[str, float]


def run_phase(browser: Any, stack: Stack, count: int, seconds: float, through_proxy: bool,
              plan: dict[str, AnswerValue]) -> Phase:
    label = "proxy" if through_proxy else "direct"
    tablets: list[tuple[Tablet, str]] = []
    contexts = []
    for n in range(count):
        server = stack.servers[n % len(stack.servers)]
        context = browser.new_context(viewport=TABLET, has_touch=True, locale="en-US", ignore_https_errors=True)
        context.add_init_script(STEP_TIMER)
        base = stack.url if through_proxy else f"http://{server.address}"
        if through_proxy:
            context.add_cookies([{"name": LB_COOKIE, "value": server.sticky_cookie, "url": stack.url}])
        contexts.append(context)
        name = f"{label}-{n:02d}"
        tablets.append((Tablet(name, context.new_page()), f"{base}/?tablet={name}"))
    before = cpu_by_part(stack)
    sampler = RssSampler(stack.servers)
    started = time.monotonic()
    drive(tablets, seconds, plan)
    elapsed = time.monotonic() - started
    sampler.stop()
    after = cpu_by_part(stack)
    for context in contexts:
        context.close()
    cpu = {part: (after[part] - before[part]) / elapsed for part in after}
    return Phase(label, [tablet for tablet, _ in tablets], elapsed, sampler, cpu)


def warm_up(browser: Any, stack: Stack) -> None:
    """One session per server before the clock starts: a server imports the app on its first
    session, which would otherwise count as memory growth in the first RSS samples."""
    for server in stack.servers:
        context = browser.new_context(viewport=TABLET)
        open_welcome(context.new_page(), f"http://{server.address}/")
        context.close()


def _p(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(phase: Phase, storage: Storage) -> dict[str, float]:
    rows: list[Any] = []
    page = 1
    while True:
        found = storage.list_submissions(QueueFilter(), page=page, page_size=500).rows
        rows += [row for row in found if (row.tablet or "").startswith(phase.label + "-")]
        if len(found) < 500:
            break
        page += 1
    by_reference = Counter(row.reference for row in rows)
    by_tablet = Counter(row.tablet for row in rows)
    seen = [reference for tablet in phase.tablets for reference in tablet.references]
    lost = sum(1 for reference in seen if by_reference[reference] == 0)
    duplicated = sum(count - 1 for count in by_reference.values() if count > 1) + sum(
        max(0, by_tablet[tablet.name] - tablet.sent) for tablet in phase.tablets)
    unconfirmed = sum(tablet.sent - len(tablet.references) for tablet in phase.tablets)
    steps = [step for tablet in phase.tablets for step in tablet.steps]
    errors = [f"{tablet.name}: {tablet.error}" for tablet in phase.tablets if tablet.error]
    taps = sum(tablet.taps for tablet in phase.tablets)
    print(f"   {phase.label}: {len(phase.tablets)} tablets, {phase.seconds:.0f} s, {taps} taps of Next/Skip"
          f" ({taps / phase.seconds:.1f} a second)")
    print(f"     answer step (tap Next → next screen settled, in the page), {len(steps)} steps:"
          f"  p50 {_p(steps, 50):6.0f} ms   p95 {_p(steps, 95):6.0f} ms")
    print(f"     screenings completed {len(seen)}   sent {sum(t.sent for t in phase.tablets)}   rows {len(rows)}"
          f"   lost {lost}   duplicated {duplicated}   sent but no reference shown {unconfirmed}"
          f"   abandoned at the deadline {sum(t.abandoned for t in phase.tablets)}")
    for index in range(len(phase.rss.servers)):
        mbs = [mb[index] for _, mb in phase.rss.samples]
        print(f"     server {index} RSS MB every {SAMPLE_SECONDS} s: {' '.join(f'{mb:.0f}' for mb in mbs)}"
              f"   slope {phase.rss.slope_mb_per_min(index):+.2f} MB/min")
    print("     CPU (cores busy): " + "   ".join(f"{part} {cores:.2f}" for part, cores in phase.cpu.items()))
    for error in errors:
        print(f"     stopped early: {error}")
    return {"p50": _p(steps, 50), "p95": _p(steps, 95), "lost": lost, "duplicated": duplicated}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_tablets", description=__doc__.splitlines()[0])
    parser.add_argument("--tablets", type=int, default=4, help="tablets per phase (default 4; the issue: 40)")
    parser.add_argument("--seconds", type=float, default=90,
                        help="seconds per phase (default 90: a 1.2 screening takes a tablet ~40 s; the issue: 300)")
    parser.add_argument("--no-pain", action="store_true",
                        help="the 9-question screening instead of the 37 of a screening with pain")
    args = parser.parse_args(argv or [])
    plan = NO_PAIN if args.no_pain else PLAN
    if not Path(CHROMIUM).exists() or shutil.which("caddy") is None:
        print(f"   skipped: needs {CHROMIUM} and caddy")
        return
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("TAP_GUARD_SECONDS")
    os.environ["TAP_GUARD_SECONDS"] = "0"  # Playwright taps as soon as a screen settles
    folder = Path(tempfile.mkdtemp(prefix="crps-tablets-"))
    try:
        with throwaway_cluster() as database_url, sync_playwright() as playwright:
            stack = deploy_stack.Stack(database_url, folder, servers=2)
            try:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"])
                warm_up(browser, stack)
                storage = Storage(database_url)
                proxy = report(run_phase(browser, stack, args.tablets, args.seconds, True, plan), storage)
                direct = report(run_phase(browser, stack, args.tablets, args.seconds, False, plan), storage)
                browser.close()
                print(f"   ratio proxy / direct: p50 {proxy['p50'] / direct['p50']:.2f}"
                      f"   p95 {proxy['p95'] / direct['p95']:.2f}   (target: p95 through the proxy ≤ 100 ms,"
                      " 0 lost, 0 duplicated)")
            finally:
                stack.stop()
    finally:
        if previous is None:
            os.environ.pop("TAP_GUARD_SECONDS", None)
        else:
            os.environ["TAP_GUARD_SECONDS"] = previous
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
