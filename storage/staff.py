"""Staff accounts, the kiosk staff code and the sign-in throttle's counters, in the database.

Only hashes are stored (argon2id, made by `access`); this module never sees a password. The
throttle is one row per key; `reserve_attempt` is a single conditional UPDATE (or the INSERT
that starts a key), so parallel guesses each take one attempt and none slips past the limit.
The rules (limits, windows, which keys) live in `access.throttle`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, case, delete, func, insert, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, RowMapping

from storage import Storage, audit
from storage.engine import aware, utc_now
from storage.schema import kiosk_code, sign_in_attempts, staff_accounts, staff_sessions

ROLES = ("coordinator", "admin", "clinician")  # the same names as access.roles.Role


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
    session_version: int = 1
    """Raised by every disable, enable, role change and password reset: a session started at an
    older version is over."""


def _member(row: RowMapping) -> StaffMember:
    return StaffMember(
        username=row["username"], display_name=row["display_name"], role=row["role"], email=row["email"],
        disabled=bool(row["disabled"]), created_at=aware(row["created_at"]), updated_at=aware(row["updated_at"]),
        session_version=int(row["session_version"]),
    )


def _insert_unless_taken(connection: Connection, table: Table, values: dict[str, object]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING: False when a unique key is taken. No unique-key error
    is raised, so PostgreSQL writes no "Key (username)=(...) already exists" line, with what was
    typed, into its server log."""
    dialect = connection.dialect.name
    if dialect not in ("postgresql", "sqlite"):  # pragma: no cover (only SQLite and PostgreSQL are supported)
        return bool(connection.execute(insert(table).values(values)).rowcount)
    guarded = (postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)).values(values)
    # RETURNING the key says whether a row went in (rowcount is -1 under PostgreSQL's RETURNING).
    returned = connection.execute(guarded.on_conflict_do_nothing().returning(*table.primary_key.columns))
    return returned.first() is not None


# -- accounts -----------------------------------------------------------------------------------


def add_account(
    storage: Storage, *, username: str, display_name: str, role: str, password_hash: str,
    email: str | None, actor: str,
) -> StaffMember:
    """Create an account; StaffError if the username is taken or the role unknown."""
    if role not in ROLES:
        raise StaffError(f"role '{role}' is not one of {', '.join(ROLES)}")
    now = utc_now()
    with storage.engine.begin() as connection:
        if not _insert_unless_taken(connection, staff_accounts, dict(
            username=username, display_name=display_name, role=role, password_hash=password_hash,
            email=email, disabled=False, created_at=now, updated_at=now,
        )):
            raise StaffError(f"that username is taken: account '{username}' already exists")
        audit.write(connection, "staff_added", actor, None, f"account {username}, role {role}", now)
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


def account_state(storage: Storage, username: str) -> tuple[bool, str, int] | None:
    """(disabled, role, session_version) of an account, or None: the one indexed read every
    staff page run makes to see whether its session still stands."""
    accounts = staff_accounts
    with storage.engine.connect() as connection:
        row = connection.execute(
            select(accounts.c.disabled, accounts.c.role, accounts.c.session_version)
            .where(accounts.c.username == username)
        ).first()
    return None if row is None else (bool(row[0]), str(row[1]), int(row[2]))


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
        changed = connection.execute(update(accounts).where(condition).values(
            **values, updated_at=now, session_version=accounts.c.session_version + 1)).rowcount
        if not changed:
            exists = connection.execute(select(accounts.c.id).where(accounts.c.username == username)).first()
            if exists is None:
                raise StaffError(f"no account named '{username}'")
            raise StaffError(f"'{username}' is the last active admin; make another admin first")
        if values.get("disabled") is True:  # its open sessions end on the server, cookies and all
            connection.execute(delete(staff_sessions).where(staff_sessions.c.username == username))
        audit.write(connection, event, actor, None, detail, now)


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
        audit.write(connection, "kiosk_code_set", actor, None, "", now)


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
            reopens = aware(opened) + timedelta(seconds=window_seconds)
            if reopens > now:
                return reopens
            continue  # the window ended between the two statements: try again
        with storage.engine.begin() as connection:  # no unique-key error: the key holds a typed name
            if _insert_unless_taken(connection, attempts, {"key": key, "attempts": 1, "window_started_at": now}):
                return None
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
    return (0, None) if row is None else (int(row[0]), aware(row[1]))


def forget_stale_attempts(storage: Storage, *, older_than_seconds: float) -> int:
    """Delete keys whose window started longer ago than that (housekeeping); returns how many."""
    moment = utc_now() - timedelta(seconds=older_than_seconds)
    with storage.engine.begin() as connection:
        return int(connection.execute(
            delete(sign_in_attempts).where(
                sign_in_attempts.c.window_started_at < literal(moment, sign_in_attempts.c.window_started_at.type)
            )
        ).rowcount)
