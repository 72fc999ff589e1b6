"""The single-server install (hazard H65): `make run` listens on localhost unless told
otherwise, and deploy/single-server.Caddyfile puts HTTPS with the same security headers as the
several-servers site in front of it (Caddy's internal CA for a LAN, or the clinic's certificate).
The README's first screen says so."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import StreamlitServer, start_server
from tests.support.deploy_stack import REPO, free_port, get, wait_for

SINGLE = REPO / "deploy" / "single-server.Caddyfile"
SEVERAL = REPO / "deploy" / "Caddyfile"
SECURITY_HEADERS = ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy",
                    "strict-transport-security", "permissions-policy")


def _caddy() -> str:
    found = shutil.which("caddy")
    if found is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("caddy is missing (apt-get install caddy); REQUIRE_BROWSER=1")
        pytest.skip("caddy not installed")
    return found


def _adapted(caddyfile: Path, **env: str) -> dict[str, Any]:
    """What Caddy makes of a Caddyfile (its JSON config), read from another folder: the import of
    security-headers.caddy must be found next to the file, wherever Caddy is started."""
    finished = subprocess.run([_caddy(), "adapt", "--config", str(caddyfile), "--adapter", "caddyfile"],
                              capture_output=True, text=True, cwd=tempfile.gettempdir(), timeout=60,
                              env={**os.environ, **env})
    assert finished.returncode == 0, finished.stderr
    return dict(json.loads(finished.stdout))


def _handlers(config: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("handler") == kind:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(config)
    return found


def test_both_sites_send_the_same_security_headers() -> None:
    single, several = _adapted(SINGLE), _adapted(SEVERAL)
    headers = _handlers(single, "headers")
    assert headers and headers == _handlers(several, "headers")
    assert "frame-ancestors 'none'" in headers[0]["response"]["set"]["Content-Security-Policy"][0]


def test_one_upstream_on_localhost_by_default() -> None:
    upstreams = [u["dial"] for proxy in _handlers(_adapted(SINGLE), "reverse_proxy") for u in proxy["upstreams"]]
    assert upstreams == ["127.0.0.1:8501"]


def test_tls_from_the_clinics_certificate_files() -> None:
    config = _adapted(SINGLE, CRPS_TLS="/etc/crps/cert.pem /etc/crps/key.pem")
    files = config["apps"]["tls"]["certificates"]["load_files"]
    assert [(f["certificate"], f["key"]) for f in files] == [("/etc/crps/cert.pem", "/etc/crps/key.pem")]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, StreamlitServer, int]]:
    """One app server (as `make run` starts it: SQLite, localhost) behind the single-server site."""
    caddy = _caddy()
    folder = tmp_path_factory.mktemp("single")
    app = start_server(folder, TRUSTED_PROXIES="127.0.0.1")
    port, http_port = free_port(), free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("CRPS_")},
           "CRPS_SITE": f"localhost:{port}", "CRPS_TLS": "internal", "CRPS_UPSTREAM": f"127.0.0.1:{app.port}",
           "CRPS_CADDY_ADMIN": "off", "CRPS_HTTP_PORT": str(http_port), "HOME": str(folder),
           "XDG_DATA_HOME": str(folder / "caddy-data"), "XDG_CONFIG_HOME": str(folder / "caddy-config")}
    with (folder / "caddy.log").open("w") as log:
        proxy = subprocess.Popen([caddy, "run", "--config", str(SINGLE), "--adapter", "caddyfile"], env=env,
                                 stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"https://localhost:{port}"
            wait_for(f"{url}/_stcore/health", 60, proxy)
            yield url, app, http_port
        finally:
            proxy.terminate()
            proxy.wait(timeout=10)
            app.stop()


def test_the_app_is_served_over_tls_with_the_security_headers(site: tuple[str, StreamlitServer, int]) -> None:
    url, _, _ = site
    status, headers, body = get(url + "/")
    assert status == 200 and b"<html" in body.lower()
    for name in SECURITY_HEADERS:
        assert name in headers, name
    status, _, _ = get(url + "/_stcore/metrics")
    assert status == 404


def test_plain_http_is_sent_to_https(site: tuple[str, StreamlitServer, int]) -> None:
    _, _, http_port = site
    finished = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                               f"http://localhost:{http_port}/"], capture_output=True, text=True, timeout=30)
    code, location = finished.stdout.split(" ", 1)
    assert code in ("301", "302", "308") and location.startswith("https://localhost")


def test_make_run_listens_on_localhost_unless_told() -> None:
    """1.1's `make run` listened on every interface over plain HTTP."""
    environment = {k: v for k, v in os.environ.items() if k != "ADDRESS"}
    told = subprocess.run(["make", "-n", "run"], cwd=REPO, capture_output=True, text=True, env=environment)
    assert "streamlit run app.py --server.address=127.0.0.1" in told.stdout
    everywhere = subprocess.run(["make", "-n", "run"], cwd=REPO, capture_output=True, text=True,
                                env={**environment, "ADDRESS": "0.0.0.0"})
    assert "--server.address=0.0.0.0" in everywhere.stdout


def test_the_readme_first_screen_says_so() -> None:
    first_screen = (REPO / "README.md").read_text(encoding="utf-8").split("## How the parts fit")[0]
    assert "ADDRESS=0.0.0.0 make run" in first_screen
    assert "deploy/single-server.Caddyfile" in first_screen
    assert "http://SERVER:8501" not in first_screen  # no longer the address tablets are given
