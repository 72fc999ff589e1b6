"""Staff accounts, the kiosk staff code and the sign-in throttle's counters, in the database.

Only hashes are stored (argon2id, made by `access`); this module never sees a password. The
throttle is one row per key; `reserve_attempt` is a single conditional UPDATE (or the INSERT
that starts a key), so parallel guesses each take one attempt and none slips past the limit.
The rules (limits, windows, which keys) live in `access.throttle`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, insert, literal, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError

from storage.database import Storage, _audit, _aware, utc_now
from storage.schema import kiosk_code, sign_in_attempts, staff_accounts

ROLES = ("coordinator", "admin", "clinician")  # clinician: issue 18


class StaffError(ValueError):
    """A staff-account change that cannot be made; str() is one line naming the account."""


@dataclass(frozen=True)
class StaffMember:
    """A person who may sign in (no hash here: it never leaves `storage`)."""

    username: str
    display_name: str
    role: str
    email: str | None = None
    disabled: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None


def _member(row: RowMapping) -> StaffMember:
    return StaffMember(
        username=row["username"], display_name=row["display_name"], role=row["role"], email=row["email"],
        disabled=bool(row["disabled"]), created_at=_aware(row["created_at"]), updated_at=_aware(row["updated_at"]),
    )


# -- accounts -----------------------------------------------------------------------------------


def add_account(
    storage: Storage, *, username: str, display_name: str, role: str, password_hash: str,
    email: str | None, actor: str,
) -> StaffMember:
    """Create an account; StaffError if the username is taken or the role unknown."""
    if role not in ROLES:
        raise StaffError(f"role '{role}' is not one of {', '.join(ROLES)}")
    now = utc_now()
    try:
        with storage.engine.begin() as connection:
            connection.execute(insert(staff_accounts).values(
                username=username, display_name=display_name, role=role, password_hash=password_hash,
                email=email, disabled=False, created_at=now, updated_at=now,
            ))
            _audit(connection, "staff_added", actor, None, f"account {username}, role {role}", now)
    except IntegrityError:
        raise StaffError(f"account '{username}' already exists") from None
    found = get_account(storage, username)
    assert found is not None
    return found


def get_account(storage: Storage, username: str) -> StaffMember | None:
    with storage.engine.connect() as connection:
        row = connection.execute(
            select(staff_accounts).where(staff_accounts.c.username == username)
        ).mappings().first()
    return None if row is None else _member(row)


def account_with_hash(storage: Storage, username: str) -> tuple[StaffMember, str] | None:
    """The account and its password hash, for `access` to check a password against."""
    with storage.engine.connect() as connection:
        row = connection.execute(
            select(staff_accounts).where(staff_accounts.c.username == username)
        ).mappings().first()
    return None if row is None else (_member(row), row["password_hash"])


def account_for_email(storage: Storage, email: str) -> StaffMember | None:
    """The account whose e-mail is `email` (compared lower-case); the oldest if several."""
    with storage.engine.connect() as connection:
        row = connection.execute(
            select(staff_accounts)
            .where(func.lower(staff_accounts.c.email) == email.strip().lower())
            .order_by(staff_accounts.c.id)
        ).mappings().first()
    return None if row is None else _member(row)


def list_accounts(storage: Storage) -> list[StaffMember]:
    with storage.engine.connect() as connection:
        rows = connection.execute(select(staff_accounts).order_by(staff_accounts.c.username)).mappings()
        return [_member(row) for row in rows]


def _change(
    storage: Storage, username: str, values: dict[str, object], *, actor: str, event: str, detail: str,
    keep_an_admin: bool = False,
) -> None:
    now = utc_now()
    accounts = staff_accounts
    condition = accounts.c.username == username
    if keep_an_admin:  # in the same statement, so two admins cannot demote each other at once
        others = (
            select(func.count()).select_from(accounts)
            .where(accounts.c.role == "admin", accounts.c.disabled.is_(False), accounts.c.username != username)
            .scalar_subquery()
        )
        condition = condition & or_(accounts.c.role != "admin", accounts.c.disabled.is_(True), others > 0)
    with storage.engine.begin() as connection:
        changed = connection.execute(update(accounts).where(condition).values(**values, updated_at=now)).rowcount
        if not changed:
            exists = connection.execute(select(accounts.c.id).where(accounts.c.username == username)).first()
            if exists is None:
                raise StaffError(f"no account named '{username}'")
            raise StaffError(f"'{username}' is the last active admin; make another admin first")
        _audit(connection, event, actor, None, detail, now)


def set_disabled(storage: Storage, username: str, disabled: bool, *, actor: str) -> None:
    """Disable (no sign-in at all) or enable an account; StaffError if there is none, or if it
    is the last active admin."""
    event = "staff_disabled" if disabled else "staff_enabled"
    _change(storage, username, {"disabled": disabled}, actor=actor, event=event, detail=f"account {username}",
            keep_an_admin=disabled)


def set_role(storage: Storage, username: str, role: str, *, actor: str) -> None:
    if role not in ROLES:
        raise StaffError(f"role '{role}' is not one of {', '.join(ROLES)}")
    _change(storage, username, {"role": role}, actor=actor, event="staff_role_changed",
            detail=f"account {username}, role {role}", keep_an_admin=role != "admin")


def set_password_hash(storage: Storage, username: str, password_hash: str, *, actor: str) -> None:
    _change(storage, username, {"password_hash": password_hash}, actor=actor, event="staff_password_reset",
            detail=f"account {username}")


# -- kiosk staff code ---------------------------------------------------------------------------


def set_kiosk_code_hash(storage: Storage, code_hash: str, *, actor: str) -> None:
    """Store the one kiosk staff code's hash, replacing any before."""
    now = utc_now()
    with storage.engine.begin() as connection:
        connection.execute(delete(kiosk_code))
        connection.execute(insert(kiosk_code).values(id=1, code_hash=code_hash, set_at=now))
        _audit(connection, "kiosk_code_set", actor, None, "", now)


def kiosk_code_hash(storage: Storage) -> str | None:
    with storage.engine.connect() as connection:
        return connection.execute(select(kiosk_code.c.code_hash).where(kiosk_code.c.id == 1)).scalar_one_or_none()


# -- throttle counters --------------------------------------------------------------------------


def reserve_attempt(storage: Storage, key: str, *, limit: int, window_seconds: float) -> datetime | None:
    """Take one attempt under `key` before the secret is checked.

    Returns None when the attempt is reserved, else the moment the key opens again. The
    reservation is one conditional UPDATE (a window older than `window_seconds` starts over at
    1), or the INSERT of a new key; a concurrent INSERT loses and retries the UPDATE."""
    attempts = sign_in_attempts
    for _ in range(5):
        now = utc_now()
        started = attempts.c.window_started_at
        over = started <= literal(now - timedelta(seconds=window_seconds), started.type)
        with storage.engine.begin() as connection:
            if connection.execute(
                update(attempts)
                .where(attempts.c.key == key, or_(attempts.c.attempts < limit, over))
                .values(
                    attempts=case((over, 1), else_=attempts.c.attempts + 1),
                    window_started_at=case((over, literal(now, started.type)), else_=started),
                )
            ).rowcount:
                return None
            opened = connection.execute(select(started).where(attempts.c.key == key)).scalar_one_or_none()
        if opened is not None:
            reopens = _aware(opened) + timedelta(seconds=window_seconds)
            if reopens > now:
                return reopens
            continue  # the window ended between the two statements: try again
        try:
            with storage.engine.begin() as connection:
                connection.execute(insert(attempts).values(key=key, attempts=1, window_started_at=now))
            return None
        except IntegrityError:
            continue  # a parallel attempt created the key first: take our place in it
    return utc_now() + timedelta(seconds=1)  # never reached in practice: refuse rather than allow


def release_attempt(storage: Storage, key: str) -> None:
    """Give back one reserved attempt (a success, or a check that never ran)."""
    attempts = sign_in_attempts
    with storage.engine.begin() as connection:
        connection.execute(
            update(attempts).where(attempts.c.key == key, attempts.c.attempts > 0)
            .values(attempts=attempts.c.attempts - 1)
        )


def reset_attempts(storage: Storage, key: str) -> None:
    """Forget every attempt under `key` (after a success)."""
    with storage.engine.begin() as connection:
        connection.execute(delete(sign_in_attempts).where(sign_in_attempts.c.key == key))


def attempts_used(storage: Storage, key: str) -> tuple[int, datetime | None]:
    """Attempts counted under `key` and when its window started ((0, None) for no such key)."""
    with storage.engine.connect() as connection:
        row = connection.execute(
            select(sign_in_attempts.c.attempts, sign_in_attempts.c.window_started_at)
            .where(sign_in_attempts.c.key == key)
        ).first()
    return (0, None) if row is None else (int(row[0]), _aware(row[1]))


def forget_stale_attempts(storage: Storage, *, older_than_seconds: float) -> int:
    """Delete keys whose window started longer ago than that (housekeeping); returns how many."""
    moment = utc_now() - timedelta(seconds=older_than_seconds)
    with storage.engine.begin() as connection:
        return int(connection.execute(
            delete(sign_in_attempts).where(
                sign_in_attempts.c.window_started_at < literal(moment, sign_in_attempts.c.window_started_at.type)
            )
        ).rowcount)
