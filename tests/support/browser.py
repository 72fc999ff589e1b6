"""Drives the app in a real browser: a Streamlit server on a free port, Debian's Chromium, and
waits for a script run to finish.

`require_chromium()` skips a test when /usr/bin/chromium is missing (a laptop without it), except
under REQUIRE_BROWSER=1 (set by .ci/run), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from settings import SETTING_NAMES

CHROMIUM = "/usr/bin/chromium"
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "screenshots"
TABLET = {"width": 820, "height": 1180}


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium); REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} not installed")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class StreamlitServer:
    """One `streamlit run app.py` process with its own database file."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self._log = log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "app.py",
                "--server.headless=true", f"--server.port={self.port}",
                "--server.address=127.0.0.1", "--browser.gatherUsageStats=false",
                "--server.fileWatcherType=none",
            ],
            cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.read().decode().strip() == "ok":
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("streamlit did not become healthy in time")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


APP_SETTINGS = SETTING_NAMES  # every setting the app reads (settings.py)


def start_server(folder: Path, name: str = "app", **settings: str) -> StreamlitServer:
    """A running app with its own SQLite file in `folder`; the developer's own app settings are
    left out of its environment so they cannot change what a test sees."""
    env = {key: value for key, value in os.environ.items() if key not in APP_SETTINGS}
    env["DATABASE_URL"] = f"sqlite:///{folder / f'{name}.db'}"
    env.update(settings)
    return StreamlitServer(env, folder / f"{name}.log")


SCRIPT_FINISHED = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app !== null && app.getAttribute('data-test-script-state') === 'notRunning'
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && document.querySelector('[data-stale="true"]') === null;
}"""
"""True once the script run has FINISHED (Streamlit's own run state on the app root) and no element
of the screen before is left over (marked stale until the run replaces or drops it)."""


def settle(page: Any, timeout: float = 30_000) -> None:
    """Wait for the run to finish before reading the page (under load, the last screen's
    elements stay on show, marked stale, until the run that replaces them is done).

    Call it after waiting for something the new screen shows, so the run has started."""
    page.wait_for_function(SCRIPT_FINISHED, timeout=timeout)


def page_text(page: Any) -> str:
    """Everything on the page as text, read only once the run has finished (see `settle`)."""
    settle(page)
    return str(page.locator("body").inner_text())

