"""The HTTPS webhook path: certificate checked, the whole-request deadline
holds over TLS too. A real TLS receiver on loopback with a throwaway CA (trustme); the sender
trusts it only through SSL_CERT_FILE, as a site would add its own CA."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import trustme

from alerts import AlertMessage, DeliveryError, WebhookChannel
from tests.support.receivers import TrickleServer

MESSAGE = AlertMessage.build(alert_id="7d1f0c2e-0000-4000-8000-000000000000", reference="K7M-4PX",
                             tablet="front-1", level="talk_now", saved_at=datetime(2026, 12, 5, 8, 0, tzinfo=UTC),
                             base_url="https://clinic.example")


@pytest.fixture
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_server(authority: trustme.CA) -> Iterator[tuple[str, list[bytes]]]:
    bodies: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{server.server_address[1]}/hook?token=abc", bodies
    server.shutdown()
    server.server_close()


def test_https_webhook_delivers_to_a_trusted_certificate(
    authority: trustme.CA, tls_server: tuple[str, list[bytes]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, bodies = tls_server
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    WebhookChannel(url, secret="s").send(MESSAGE)
    assert len(bodies) == 1 and b"K7M-4PX" in bodies[0]


def test_https_webhook_refuses_an_untrusted_certificate(tls_server: tuple[str, list[bytes]]) -> None:
    url, bodies = tls_server
    with pytest.raises(DeliveryError, match="SSLCertVerificationError"):
        WebhookChannel(url).send(MESSAGE)
    assert bodies == []


def test_a_tls_handshake_that_never_finishes_ends_at_the_deadline() -> None:
    # a TLS handshake record announcing 16 KiB, then one byte every 0.1 s (each read is answered)
    stalled = TrickleServer(prefix=b"\x16\x03\x03\x40\x00", repeat=b"\x02", every=0.1).start()
    try:
        started = time.monotonic()
        with pytest.raises(DeliveryError, match=r"no complete answer within 1.5 s \(deadline\)"):
            WebhookChannel(f"https://127.0.0.1:{stalled.port}/hook", timeout_seconds=1.5).send(MESSAGE)
        assert time.monotonic() - started < 6
    finally:
        stalled.stop()
