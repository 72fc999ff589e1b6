"""The shipped Caddy configuration in front of two app servers: TLS, headers, closed metrics,
health checks and sticky sessions that move a browser on when its server stops."""

from __future__ import annotations

import urllib.request

from tests.support.deploy_stack import LB_COOKIE, Stack, get, insecure_context

SECURITY_HEADERS = ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy")


def _get_with_cookie(url: str, cookie: str | None) -> tuple[int, str | None]:
    request = urllib.request.Request(url, headers={"Cookie": f"{LB_COOKIE}={cookie}"} if cookie else {})
    with urllib.request.urlopen(request, timeout=5, context=insecure_context()) as response:
        return response.status, response.headers.get("Set-Cookie")


def test_the_app_is_served_over_tls_with_security_headers(stack: Stack) -> None:
    status, headers, body = get(stack.url + "/")
    assert status == 200 and b"<html" in body.lower()
    for name in SECURITY_HEADERS:
        assert name in headers, name
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"


def test_metrics_are_closed_at_the_proxy_but_health_answers(stack: Stack) -> None:
    direct, _, _ = get(f"http://{stack.servers[0].address}/_stcore/metrics")
    assert direct == 200  # the app server has them: only the proxy keeps them in
    status, _, _ = get(stack.url + "/_stcore/metrics")
    assert status == 404
    status, _, body = get(stack.url + "/_stcore/health")
    assert status == 200 and body.strip() == b"ok"


def test_sticky_cookie_keeps_a_browser_on_its_server(stack: Stack) -> None:
    first, second = stack.servers
    _, set_cookie = _get_with_cookie(stack.url + "/", None)
    assert set_cookie is not None
    assert set_cookie.split(";")[0].split("=", 1)[1] in {first.sticky_cookie, second.sticky_cookie}
    for server in stack.servers:  # a browser that has its server's cookie is not moved
        status, set_cookie = _get_with_cookie(stack.url + "/", server.sticky_cookie)
        assert status == 200 and set_cookie is None
