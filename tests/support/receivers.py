"""Real local receivers for alert tests and the benchmark: an HTTP server and an SMTP server."""

from __future__ import annotations

import email
import socket
import threading
import time
from collections.abc import Callable
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(condition: Callable[[], object], timeout: float = 15.0, every: float = 0.02) -> None:
    """Wait for a real condition (not a fixed sleep); fail with a clear message on timeout."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(every)


class WebhookReceiver:
    """A local HTTP server that records each POST (headers, body, arrival time)."""

    def __init__(self, port: int | None = None, status: int = 200) -> None:
        self.port = port or free_port()
        self.status = status
        self.requests: list[tuple[dict[str, str], bytes, float]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver._lock:
                    receiver.requests.append((dict(self.headers.items()), body, time.perf_counter()))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def bodies(self) -> list[bytes]:
        with self._lock:
            return [body for _, body, _ in self.requests]


class MailReceiver:
    """An aiosmtpd server on a free loopback port that keeps every message it accepts."""

    def __init__(self, *, user: str = "", password: str = "") -> None:
        self.port = free_port()
        self.messages: list[tuple[Message, float]] = []
        self.logins: list[str] = []
        receiver = self

        class Handler:
            async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
                content = envelope.content  # type: ignore[attr-defined]
                receiver.messages.append((email.message_from_bytes(content), time.perf_counter()))
                return "250 Message accepted for delivery"

        def authenticator(
            server: object, session: object, envelope: object, mechanism: str, auth_data: object
        ) -> AuthResult:
            login = getattr(auth_data, "login", b"").decode()
            ok = login == user and getattr(auth_data, "password", b"").decode() == password
            if ok:
                receiver.logins.append(login)
            return AuthResult(success=ok)

        options: dict[str, Any] = {"authenticator": authenticator, "auth_require_tls": False} if user else {}
        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **options)

    def start(self) -> MailReceiver:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


class TrickleServer:
    """A receiver that never finishes answering: after accepting, it sends `prefix` and then
    `repeat` forever, one byte every `every` seconds (each read gets a byte before any per-read
    time-out, so only a whole-request deadline ends the send). Loopback only; `stop()` ends every
    connection within `every` seconds."""

    def __init__(self, *, repeat: bytes, prefix: bytes = b"", every: float = 0.25) -> None:
        self.prefix, self.repeat, self.every = prefix, repeat, every
        self.accepted = 0
        self._stop = threading.Event()
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.2)
        self.port = int(self._listener.getsockname()[1])

    @classmethod
    def http(cls, every: float = 0.25) -> TrickleServer:
        return cls(prefix=b"HTTP/1.1 200 OK\r\n", repeat=b"X-Wait: y\r\n", every=every)

    @classmethod
    def smtp(cls, every: float = 0.25) -> TrickleServer:
        return cls(repeat=b"220-still saying hello\r\n", every=every)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> TrickleServer:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            threading.Thread(target=self._trickle, args=(connection,), daemon=True).start()

    def _trickle(self, connection: socket.socket) -> None:
        with connection:
            data = self.prefix + self.repeat * 100_000
            for index in range(len(data)):
                if self._stop.wait(self.every):
                    return
                try:
                    connection.sendall(data[index:index + 1])
                except OSError:
                    return  # the client gave up (its deadline): what the test waits for

    def stop(self) -> None:
        self._stop.set()
        self._listener.close()


SECRET = "test-shared-secret"
