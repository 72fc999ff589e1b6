"""Named staff accounts, the sign-in throttle's counters and the kiosk staff code; the 1.0
single passcode becomes the first admin account, `admin`, with the same hash (so an upgraded
clinic signs in as `admin` with its old passcode, then adds everyone's own account).

Revision ID: 0003_staff_accounts
Revises: 0002_storage_1_1
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

revision = "0003_staff_accounts"
down_revision = "0002_storage_1_1"
branch_labels = None
depends_on = None

LEGACY_ADMIN = "admin"

# The tables as this revision knows them (not storage.schema's, which later revisions may change).
_passcode = sa.table("staff_passcode", sa.column("id", sa.Integer), sa.column("passcode_hash", sa.Text))
_accounts = sa.table(
    "staff_accounts",
    sa.column("id", sa.Integer), sa.column("username", sa.String), sa.column("display_name", sa.String),
    sa.column("email", sa.String), sa.column("password_hash", sa.Text), sa.column("role", sa.String),
    sa.column("disabled", sa.Boolean), sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
_audit = sa.table(
    "audit_events",
    sa.column("at", sa.DateTime(timezone=True)), sa.column("actor", sa.String), sa.column("event", sa.String),
    sa.column("submission_id", sa.Integer), sa.column("detail", sa.Text),
)


def upgrade() -> None:
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254)),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_staff_accounts_email", "staff_accounts", ["email"])
    op.create_table(
        "sign_in_attempts",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "kiosk_code",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code_hash", sa.Text, nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )
    adopt_legacy_passcode(op.get_bind())


def adopt_legacy_passcode(connection: Connection) -> bool:
    """Copy the 1.0 passcode's hash into an `admin` account (unless one exists); True if made.
    The staff_passcode table stays, so a downgrade still has it."""
    legacy = connection.execute(sa.select(_passcode.c.passcode_hash).where(_passcode.c.id == 1)).scalar_one_or_none()
    if legacy is None:
        return False
    if connection.execute(sa.select(_accounts.c.id).where(_accounts.c.username == LEGACY_ADMIN)).first():
        return False
    now = datetime.now(UTC)
    connection.execute(sa.insert(_accounts).values(
        username=LEGACY_ADMIN, display_name="Administrator (1.0 passcode)", role="admin", email=None,
        password_hash=legacy, disabled=False, created_at=now, updated_at=now,
    ))
    connection.execute(sa.insert(_audit).values(
        at=now, actor="upgrade 0003", event="staff_added", submission_id=None,
        detail=f"account {LEGACY_ADMIN}, role admin, from the 1.0 passcode",
    ))
    return True


def downgrade() -> None:
    op.drop_table("kiosk_code")
    op.drop_table("sign_in_attempts")
    op.drop_index("ix_staff_accounts_email", table_name="staff_accounts")
    op.drop_table("staff_accounts")
