"""Several app servers on one PostgreSQL database behind Caddy, all on loopback ports.

`Stack` starts what `deploy/README.md` describes, with the shipped `deploy/Caddyfile`
unchanged: the throwaway PostgreSQL cluster, the schema brought up once (`python -m storage
migrate`, as `make migrate` does), N Streamlit servers sharing `server.cookieSecret`, and Caddy
with its internal CA. A browser is pinned to one server by giving it the signed sticky cookie
that Caddy itself would set (HMAC-SHA256 of the server's address with CRPS_LB_SECRET).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.support.browser import StreamlitServer

REPO = Path(__file__).resolve().parents[2]
CADDYFILE = REPO / "deploy" / "Caddyfile"
LB_COOKIE = "crps_lb"
LB_SECRET = "deploy-test-secret"
COOKIE_SECRET = "deploy-test-cookie-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def insecure_context() -> ssl.SSLContext:
    """Caddy's internal CA is not in the system store; the test checks TLS is on, not who signed."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def get(url: str, timeout: float = 5) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body of one GET; HTTP errors are answers too."""
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=insecure_context()) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


class AppServer(StreamlitServer):
    """One app server behind the proxy: the browser tests' `streamlit run app.py` on loopback."""

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def sticky_cookie(self) -> str:
        """The value Caddy's cookie lb_policy gives a browser it sent to this server."""
        return hmac.new(LB_SECRET.encode(), self.address.encode(), hashlib.sha256).hexdigest()


def wait_for(url: str, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            status, _, body = get(url, timeout=2)
            if status == 200 and body.strip() == b"ok":
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer ok in {timeout} s")


class Stack:
    """PostgreSQL (given), N app servers and Caddy; `url` is the proxy's HTTPS address."""

    def __init__(self, database_url: str, folder: Path, servers: int = 2) -> None:
        self.folder = folder
        self.database_url = database_url
        env = {key: value for key, value in os.environ.items() if not key.startswith(("CRPS_", "STREAMLIT_"))}
        env.update(
            DATABASE_URL=database_url,
            AUTO_MIGRATE="false",  # several servers: the schema is migrated once, before they start
            STREAMLIT_SERVER_COOKIE_SECRET=COOKIE_SECRET,
            TRUSTED_PROXIES="127.0.0.1",
            TAP_GUARD_SECONDS="0",  # as in the other browser tests: a test's taps are not double taps
        )
        self.env = env
        subprocess.run([sys.executable, "-m", "storage", "migrate"], cwd=REPO, env=env, check=True,
                       capture_output=True, timeout=120)
        self.servers = [AppServer(env, folder / f"app-{n}.log") for n in range(servers)]  # each waits for health
        self.port = free_port()
        self.url = f"https://localhost:{self.port}"
        caddy_env = dict(os.environ)
        caddy_env.update(
            CRPS_SITE=f"localhost:{self.port}",
            CRPS_TLS="internal",
            CRPS_UPSTREAMS=" ".join(server.address for server in self.servers),
            CRPS_LB_SECRET=LB_SECRET,
            CRPS_CADDY_ADMIN="off",
            CRPS_HTTP_PORT=str(free_port()),
            HOME=str(folder),
            XDG_DATA_HOME=str(folder / "caddy-data"),
            XDG_CONFIG_HOME=str(folder / "caddy-config"),
        )
        self._caddy_log = (folder / "caddy.log").open("w")
        caddy = shutil.which("caddy") or "/usr/bin/caddy"
        self.caddy = subprocess.Popen(
            [caddy, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
            env=caddy_env, stdout=self._caddy_log, stderr=subprocess.STDOUT,
        )
        wait_for(f"{self.url}/_stcore/health", 60, self.caddy)

    def stop(self) -> None:
        if self.caddy.poll() is None:
            self.caddy.terminate()
            try:
                self.caddy.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.caddy.kill()
        self._caddy_log.close()
        for server in self.servers:
            server.stop()
