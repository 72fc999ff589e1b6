"""1.1 storage: drop the unread `answers` copy; add incomplete saves, tablets, red-flag level,
the clinic's chart number.

Revision ID: 0002_storage_1_1
Revises: 0001_v1_0_schema
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_storage_1_1"
down_revision = "0001_v1_0_schema"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.drop_column("answers")  # written, never read: the result JSON carries the answers
        batch.add_column(sa.Column("complete", sa.Boolean, nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("tablet", sa.String(32)))
        batch.add_column(sa.Column("tablet_cleared_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("red_flag_level", sa.String(20)))
        batch.add_column(sa.Column("patient_identifier", sa.String(64)))
        batch.create_index("ix_submissions_tablet_open", ["tablet", "urgent", "acknowledged_at"])


def downgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.drop_index("ix_submissions_tablet_open")
        for name in ("patient_identifier", "red_flag_level", "tablet_cleared_at", "tablet", "complete"):
            batch.drop_column(name)
        batch.add_column(sa.Column("answers", sa.JSON, nullable=False, server_default="{}"))
