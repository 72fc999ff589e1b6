"""Sign-in throttling: who may try how often, so guessing is slow and nobody elsewhere can
lock a person out.

Three kinds of key, each counted in the database (`storage.staff.reserve_attempt`):

- ``account:<username>@<address>``: 5 attempts per 5 minutes for one account from one client
  address. Wrong passwords typed on the kiosk tablet lock that account *on the tablet only*;
  the same person at the desk (another address) signs in as usual.
- ``address:<address>``: 20 attempts per 15 minutes from one client address, whatever the
  username (spraying many usernames, or unknown ones) and including the kiosk staff code.
- ``kiosk:<tablet>@<address>``: 5 attempts per 5 minutes for the kiosk staff code on one tablet.
- ``account-wide:<username>``: 30 attempts per hour on one account from every browser
  that has no device cookie for it, whatever its address: a guesser with 1,000 addresses gets 30
  checks an hour, not 5,000 per 5 minutes.
- ``device:<id>``: a browser that signed in to the account before carries a signed
  device cookie (`access.devices`) and has its own 10 attempts per 15 minutes instead, so the
  account-wide limit never locks the real person out of their usual computer.

An IPv6 address counts as its /64 (`access.addresses.throttle_address`).

An attempt is RESERVED (one conditional UPDATE, or the INSERT of a new key) before the
password is checked, so 40 parallel guesses get at most 5 checks; a refused reservation costs
no check. A success resets the account (or kiosk) key and gives its address attempt back, so
only failures count against an address. A refusal gives back the reservation it already took
on the other key. Refusals while locked are not written to the audit log one by one (the
"locked" row is written when a failure fills a key).

The address is the client's (see `access.addresses`): behind a reverse proxy, set
TRUSTED_PROXIES, or every client shares the proxy's address and the per-address limits become
clinic-wide. A guesser who controls many addresses gets 5 tries per address per 5 minutes on
an account; that is the price of no one being able to lock a person out from elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """At most `attempts` in a window of `window_seconds` (a new window starts after it ends)."""

    attempts: int
    window_seconds: int


ACCOUNT_LIMIT = Limit(attempts=5, window_seconds=5 * 60)
ADDRESS_LIMIT = Limit(attempts=20, window_seconds=15 * 60)
KIOSK_LIMIT = Limit(attempts=5, window_seconds=5 * 60)
ACCOUNT_WIDE_LIMIT = Limit(attempts=30, window_seconds=60 * 60)
DEVICE_LIMIT = Limit(attempts=10, window_seconds=15 * 60)
USERNAME_MAX = 64


def normalise_username(typed: str) -> str:
    """Usernames are compared lower-case, without surrounding spaces."""
    return typed.strip().lower()[:USERNAME_MAX]


def account_key(username: str, address: str) -> str:
    return f"account:{normalise_username(username)}@{address[:64]}"


def address_key(address: str) -> str:
    return f"address:{address[:64]}"


def account_wide_key(username: str) -> str:
    return f"account-wide:{normalise_username(username)}"


def device_key(device: str) -> str:
    return f"device:{device[:64]}"


def kiosk_key(tablet: str, address: str) -> str:
    return f"kiosk:{tablet[:32]}@{address[:64]}"
