"""X-Forwarded-For is believed only from a trusted proxy (else anyone picks their own address)."""

from __future__ import annotations

import pytest

from access import client_address

PROXY = ("10.0.0.2",)


@pytest.mark.parametrize(
    ("headers", "peer", "trusted", "expected"),
    [
        pytest.param({}, "192.168.1.20", (), "192.168.1.20", id="direct"),
        pytest.param({"X-Forwarded-For": "1.2.3.4"}, "192.168.1.20", (), "192.168.1.20", id="untrusted-peer-ignored"),
        pytest.param({"X-Forwarded-For": "1.2.3.4"}, "10.0.0.2", PROXY, "1.2.3.4", id="trusted-proxy"),
        pytest.param({"x-forwarded-for": "1.2.3.4"}, "10.0.0.2", ("10.0.0.0/24",), "1.2.3.4", id="network-any-case"),
        pytest.param({"X-Forwarded-For": "6.6.6.6, 1.2.3.4"}, "10.0.0.2", PROXY, "1.2.3.4",
                     id="client-spoofed-left-entry-ignored"),
        pytest.param({"X-Forwarded-For": "1.2.3.4, 10.0.0.3"}, "10.0.0.2", ("10.0.0.2", "10.0.0.3"), "1.2.3.4",
                     id="two-trusted-hops"),
        pytest.param({"X-Forwarded-For": "junk, 1.2.3.4"}, "10.0.0.2", PROXY, "1.2.3.4", id="junk-left-of-client"),
        pytest.param({"X-Forwarded-For": "1.2.3.4, junk"}, "10.0.0.2", PROXY, "10.0.0.2", id="junk-from-proxy"),
        pytest.param({}, "10.0.0.2", PROXY, "10.0.0.2", id="proxy-without-header"),
        pytest.param({}, "::ffff:10.0.0.9", (), "10.0.0.9", id="ipv4-mapped"),
        pytest.param({}, None, PROXY, "unknown", id="no-peer"),
        pytest.param({}, "not an address", (), "unknown", id="junk-peer"),
    ],
)
def test_client_address(headers: dict[str, str], peer: str | None, trusted: tuple[str, ...], expected: str) -> None:
    assert client_address(headers, peer, trusted) == expected
