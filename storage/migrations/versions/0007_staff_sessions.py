"""Staff sessions that end when access ends.

- `staff_accounts.session_version`: raised by every disable, enable, role change and password
  reset; a signed-in session remembers the version it started with, so the next click after such
  a change signs it out (one indexed read per page run).
- `staff_sessions`: one row per signed-in browser, so a reload (F5) keeps the sign-in through an
  HttpOnly cookie that holds a random token; only the token's SHA-256 is stored. A one-time
  hand-over code (its SHA-256 too, valid for a minute) is how the page asks the app's own route
  to set that cookie. Sign-out deletes the row; disabling the account deletes all of its rows.

Revision ID: 0007_staff_sessions
Revises: 0005_queue_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_staff_sessions"
down_revision = "0006_alert_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_accounts") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer, nullable=False, server_default="1"))
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(254), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("session_version", sa.Integer, nullable=False),
        sa.Column("token_hash", sa.String(64), unique=True),
        sa.Column("handover_hash", sa.String(64), unique=True),
        sa.Column("handover_until", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_staff_sessions_username", "staff_sessions", ["username"])


def downgrade() -> None:
    op.drop_index("ix_staff_sessions_username", table_name="staff_sessions")
    op.drop_table("staff_sessions")
    with op.batch_alter_table("staff_accounts") as batch:
        batch.drop_column("session_version")
