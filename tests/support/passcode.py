"""The 1.0 single staff passcode, for the upgrade tests only: the app reads it once, when
revision 0003 makes it the `admin` account's password, and never writes it again."""

from __future__ import annotations

from sqlalchemy import insert, select

from storage import Storage, audit
from storage.engine import utc_now
from storage.schema import staff_passcode


def set_passcode_hash(storage: Storage, passcode_hash: str) -> None:
    """Store the one 1.0 passcode's hash (never the passcode), replacing any before, as 1.0 did."""
    now = utc_now()
    with storage.engine.begin() as connection:
        connection.execute(staff_passcode.delete())
        connection.execute(insert(staff_passcode).values(id=1, passcode_hash=passcode_hash, set_at=now))
        audit.write(connection, "passcode_set", "admin", None, "", now)


def passcode_hash(storage: Storage) -> str | None:
    """The stored 1.0 passcode hash, if any (kept after the upgrade so a downgrade still has it)."""
    with storage.engine.connect() as connection:
        found: str | None = connection.execute(
            select(staff_passcode.c.passcode_hash).where(staff_passcode.c.id == 1)
        ).scalar_one_or_none()
        return found
