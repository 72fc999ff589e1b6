"""The queue at a million screenings (issue 13): an index for the "urgent only" filter in the
queue's order (newest first), so its first page reads 25 index entries instead of sorting every
urgent row. The other filters already have theirs (tier, status, date range: 0001/0002; the
reference filter uses the unique index on reference).

Revision ID: 0005_queue_indexes
Revises: 0004_alert_deliveries
"""

from __future__ import annotations

from alembic import op

revision = "0005_queue_indexes"
down_revision = "0004_alert_deliveries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_submissions_urgent_created", "submissions", ["urgent", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_submissions_urgent_created", table_name="submissions")
