"""Sign-in under attack: 40 parallel sessions guessing one account's password.

Target: at most 5 checked guesses per account per minute, and the process under 500 MB.
Each scenario runs in its own child process (so each peak RSS is its own):

- attack, one address: 40 threads call `access.sign_in` on one account from the tablet's
  address for SECONDS (default 60; BENCH_SIGN_IN_SECONDS); counts argon2 checks, the most in
  any 60 s, attempts answered per second, peak RSS.
- attack, 40 addresses: the same, each thread from its own address (a guesser who can pick
  addresses; per-address throttling lets each 5 through), to show the memory bound holds.
- baseline: the same number of bare argon2 verifies as each attack ran, from 40 threads with
  no throttle and no bound (what 1.0 did), same modules imported.

Across addresses (`python -m bench.bench_sign_in across` runs only this):
ADDRESSES (default 1,000; BENCH_SIGN_IN_ADDRESSES) addresses each try GUESSES (5: one address's
allowance per 5 minutes) wrong passwords on one account. Counts the password checks (the check
compares plainly instead of argon2, so thousands of tries take seconds; what is counted is the
same), with the account-wide limit (30 an hour) and, as the baseline in the same process,
without it (1.1: per address only); then the real user signs in from the desk during the attack,
with the device cookie that browser got before, and from a new browser without one. The same
with the addresses in one IPv6 /64.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from bisect import bisect_left
from pathlib import Path

SESSIONS = 40
PASSWORD = "desk-password-7"
TABLET = "10.0.0.50"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _attack(url: str, seconds: float, spread: bool) -> dict[str, float]:
    from access import credentials, passcode, sign_in
    from storage import Storage

    storage = Storage(url)
    checks: list[float] = []
    lock = threading.Lock()
    real = passcode.verify_passcode

    def counted(stored_hash: str, attempt: str) -> bool:
        with lock:
            checks.append(time.perf_counter())
        return real(stored_hash, attempt)

    passcode.verify_passcode = counted
    attempts = [0] * SESSIONS
    stop = time.perf_counter() + seconds

    def session(number: int) -> None:
        address = f"10.2.{number // 250}.{number % 250 + 1}" if spread else TABLET
        guess = 0
        while time.perf_counter() < stop:
            guess += 1
            outcome = sign_in(storage, "alice", f"guess-{number}-{guess}", client_address=address)
            assert not outcome.ok
            attempts[number] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=session, args=(n,)) for n in range(SESSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    most = max((bisect_left(checks, moment + 60) - index for index, moment in enumerate(checks)), default=0)
    return {"checks": len(checks), "most_per_minute": most, "attempts": sum(attempts), "seconds": elapsed,
            "peak_mb": _peak_mb(), "bound": credentials.MAX_PARALLEL_CHECKS}


def _baseline(url: str, verifies: int) -> dict[str, float]:
    from access import passcode
    from storage import Storage, staff

    found = staff.account_with_hash(Storage(url), "alice")
    assert found is not None
    stored = found[1]
    per_thread = [verifies // SESSIONS + (1 if n < verifies % SESSIONS else 0) for n in range(SESSIONS)]
    started = time.perf_counter()
    threads = [threading.Thread(target=lambda k=k: [passcode.verify_passcode(stored, f"guess-{i}") for i in range(k)])
               for k in per_thread if k]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"checks": verifies, "seconds": time.perf_counter() - started, "peak_mb": _peak_mb()}


def _child(*args: str) -> dict[str, float]:
    finished = subprocess.run([sys.executable, "-m", "bench.bench_sign_in", *args], capture_output=True, text=True,
                              check=True, cwd=Path(__file__).resolve().parents[1])
    figures: dict[str, float] = json.loads(finished.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    from access import add_staff
    from storage import Storage

    seconds = float(os.environ.get("BENCH_SIGN_IN_SECONDS", "60"))
    with tempfile.TemporaryDirectory() as folder:
        for spread in (False, True):
            url = f"sqlite:///{Path(folder) / f'sign_in_{spread}.db'}"
            add_staff(Storage(url), "alice", PASSWORD, actor="bench")
            attack = _child("attack", url, str(seconds), "spread" if spread else "one")
            base = _child("baseline", url, str(int(attack["checks"])))
            where = f"{SESSIONS} addresses" if spread else "one address"
            print(f"attack from {where}: {SESSIONS} sessions for {attack['seconds']:.0f} s: {attack['attempts']:.0f} "
                  f"attempts ({attack['attempts'] / attack['seconds']:.0f}/s answered), {attack['checks']:.0f} "
                  f"argon2 checks, most in any 60 s: {attack['most_per_minute']:.0f} (target <= 5 from one address), "
                  f"peak RSS {attack['peak_mb']:.0f} MB (target < 500 MB; {attack['bound']:.0f} checks at once)")
            print(f"   baseline: {base['checks']:.0f} bare argon2 verifies from {SESSIONS} threads, no bound: "
                  f"{base['seconds']:.1f} s, peak RSS {base['peak_mb']:.0f} MB; "
                  f"ratio of peak RSS attack/baseline {attack['peak_mb'] / base['peak_mb']:.2f}")
    across()


def _spread_attack(url: str, addresses: list[str], guesses: int, *, account_wide: bool) -> dict[str, float | bool]:
    """Every address tries `guesses` wrong passwords on alice; returns checks and timings."""
    from access import credentials, passcode, sign_in
    from access.throttle import ACCOUNT_WIDE_LIMIT, Limit

    checks = [0]

    def counted(stored_hash: str, attempt: str) -> bool:
        checks[0] += 1
        return attempt == PASSWORD

    from storage import Storage

    storage = Storage(url)
    real_verify, real_limit = passcode.verify_passcode, getattr(credentials, "ACCOUNT_WIDE_LIMIT")  # noqa: B009
    passcode.verify_passcode = counted
    setattr(credentials, "ACCOUNT_WIDE_LIMIT", ACCOUNT_WIDE_LIMIT if account_wide else Limit(10**9, 3600))  # noqa: B010
    try:
        started = time.perf_counter()
        for guess in range(guesses):
            for address in addresses:
                assert not sign_in(storage, "alice", f"guess-{address}-{guess}", client_address=address).ok
        elapsed = time.perf_counter() - started
        attack_checks = checks[0]
        desk_started = time.perf_counter()
        desk = sign_in(storage, "alice", PASSWORD, client_address="10.0.0.7", device_cookie=DEVICE,
                       device_secret=SECRET)
        desk_ms = (time.perf_counter() - desk_started) * 1000
        new_browser = sign_in(storage, "alice", PASSWORD, client_address="10.0.0.8")
    finally:
        passcode.verify_passcode = real_verify
        setattr(credentials, "ACCOUNT_WIDE_LIMIT", real_limit)  # noqa: B010
    return {"checks": attack_checks, "attempts": guesses * len(addresses), "seconds": elapsed,
            "desk_ok": desk.ok, "desk_ms": desk_ms, "new_browser_ok": new_browser.ok}


SECRET = b"bench-cookie-secret"
DEVICE = ""


def across() -> None:
    """Checks an hour on one account from many addresses; the real user still signs in."""
    global DEVICE
    from access import add_staff, devices
    from storage import Storage

    count = int(os.environ.get("BENCH_SIGN_IN_ADDRESSES", "1000"))
    guesses = 5
    DEVICE = devices.issue("alice", SECRET)
    ipv4 = [f"10.{n // 250 % 250}.{n % 250}.{n // 62500 + 1}" for n in range(count)]
    ipv6 = [f"2001:db8:20:a::{n + 1:x}" for n in range(count)]
    with tempfile.TemporaryDirectory() as folder:
        runs: dict[str, dict[str, float | bool]] = {}
        for name, addresses, limited in (("capped", ipv4, True), ("baseline", ipv4, False), ("ipv6", ipv6, True)):
            url = f"sqlite:///{Path(folder) / f'across_{name}.db'}"
            add_staff(Storage(url), "alice", PASSWORD, actor="bench")
            runs[name] = _spread_attack(url, addresses, guesses, account_wide=limited)
    capped, base, six = runs["capped"], runs["baseline"], runs["ipv6"]
    print(f"{count} addresses x {guesses} guesses on one account ({capped['attempts']:.0f} tries in "
          f"{capped['seconds']:.0f} s): {capped['checks']:.0f} password checks in the hour (target <= 30); "
          f"baseline without the account-wide limit: {base['checks']:.0f} checks in {base['seconds']:.0f} s, "
          f"again every 5 minutes ({base['checks'] * 12:.0f} an hour); ratio {capped['checks'] / base['checks']:.4f}")
    print(f"   real user during the attack: desk browser with its device cookie signs in: {capped['desk_ok']} "
          f"({capped['desk_ms']:.0f} ms, plain compare); a new browser without one: "
          f"{'signs in' if capped['new_browser_ok'] else 'refused until the hour is over'}")
    print(f"   {count} addresses in one IPv6 /64 x {guesses} guesses: {six['checks']:.0f} checks "
          f"(counted as one address); desk sign-in: {six['desk_ok']}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "across":
        across()
    elif len(sys.argv) > 1 and sys.argv[1] == "attack":
        print(json.dumps(_attack(sys.argv[2], float(sys.argv[3]), sys.argv[4] == "spread")))
    elif len(sys.argv) > 1 and sys.argv[1] == "baseline":
        print(json.dumps(_baseline(sys.argv[2], int(sys.argv[3]))))
    else:
        main()
