"""The queue at a million screenings: an index for the "urgent only" filter in the
queue's order (newest first), so its first page reads 25 index entries instead of sorting every
urgent row; and a partial index of the open (unacknowledged) urgents, oldest first, for the
live urgent list. The other filters already have theirs (tier, status, date range: 0001/0002; the
reference filter uses the unique index on reference).

Revision ID: 0005_queue_indexes
Revises: 0004_alert_deliveries
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# The open urgents (a few among a million): without this PostgreSQL walked the 67,000 urgent
# rows of ix_submissions_urgent_created, filtering out the acknowledged ones (230 ms).
OPEN_URGENT = sa.and_(sa.column("urgent").is_(True), sa.column("acknowledged_at").is_(None))

revision = "0005_queue_indexes"
down_revision = "0004_alert_deliveries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_submissions_urgent_created", "submissions", ["urgent", "created_at"])
    op.create_index("ix_submissions_open_urgent", "submissions", ["created_at", "id"],
                    sqlite_where=OPEN_URGENT, postgresql_where=OPEN_URGENT)


def downgrade() -> None:
    op.drop_index("ix_submissions_open_urgent", table_name="submissions")
    op.drop_index("ix_submissions_urgent_created", table_name="submissions")
