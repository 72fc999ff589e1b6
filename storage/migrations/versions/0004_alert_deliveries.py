"""Alerts: when each channel was set up, and one delivery row per (urgent
submission, channel, red-flag level) whose unique triple stops two app servers sending an
alert twice.

Revision ID: 0004_alert_deliveries
Revises: 0003_staff_accounts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_alert_deliveries"
down_revision = "0003_staff_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_channels",
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("enabled_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("level", sa.String(20), nullable=False, server_default=""),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(100)),
        sa.Column("lease_until", sa.DateTime(timezone=True)),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.String(300)),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint(
            "submission_id", "channel", "level", name="uq_alert_deliveries_submission_channel_level"
        ),
    )
    op.create_index("ix_alert_deliveries_due", "alert_deliveries", ["channel", "status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_alert_deliveries_due", table_name="alert_deliveries")
    op.drop_table("alert_deliveries")
    op.drop_table("alert_channels")
