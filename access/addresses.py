"""The client's address for throttling and the audit log.

Streamlit gives the peer's address (`st.context.ip_address`). Behind a reverse proxy that is
the proxy; then the proxy's `X-Forwarded-For` says who the client is, but only a proxy listed
in TRUSTED_PROXIES is believed: anyone else could write any address there and dodge the
throttle (or frame another address).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping

UNKNOWN = "unknown"
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _ip(text: str | None) -> IPAddress | None:
    if not text:
        return None
    try:
        found = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped  # ::ffff:10.0.0.7 is 10.0.0.7
    return found


def _networks(trusted_proxies: Iterable[str]) -> list[IPNetwork]:
    return [ipaddress.ip_network(part.strip(), strict=False) for part in trusted_proxies if part.strip()]


def _forwarded_for(headers: Mapping[str, str] | None) -> str:
    if not headers:
        return ""
    for name, value in headers.items():
        if name.lower() == "x-forwarded-for":
            return str(value)
    return ""


def throttle_address(address: str) -> str:
    """The address as the sign-in throttle counts it: an IPv6 address is its
    /64, because one home or office network is given a whole /64 and can use any of its 2^64
    addresses (40 of them got 200 guesses in 30 s); an IPv4 address is itself; anything else as
    it came ("unknown")."""
    found = _ip(address)
    if isinstance(found, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((int(found) >> 64 << 64, 64)))
    return str(found) if found is not None else address


def client_address(headers: Mapping[str, str] | None, peer_address: str | None, trusted_proxies: Iterable[str]) -> str:
    """The client's IP address as text ("unknown" when there is none).

    X-Forwarded-For is read only when the peer is a trusted proxy, right to left, skipping
    trusted proxies; the first address that is not a trusted proxy is the client. A junk entry
    stops the walk at the last trusted hop."""
    peer = _ip(peer_address)
    if peer is None:
        return UNKNOWN
    networks = _networks(trusted_proxies)

    def trusted(address: IPAddress) -> bool:
        return any(address.version == network.version and address in network for network in networks)

    if not trusted(peer):
        return str(peer)
    client = peer
    for hop in reversed([part for part in _forwarded_for(headers).split(",") if part.strip()]):
        address = _ip(hop)
        if address is None:
            break
        client = address
        if not trusted(address):
            break
    return str(client)
