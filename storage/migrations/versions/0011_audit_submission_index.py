"""An index on `audit_events.submission_id` (issue 22, retention).

The retention purge deletes a batch's audit rows by `submission_id`, and deleting a screening
makes the database look for audit rows that still point at it (the foreign key). Without an index
each is a scan of the whole audit trail: on PostgreSQL one per deleted screening, so the purge grew
with screenings x audit rows.

Revision ID: 0011_audit_submission_index
Revises: 0010_patient_hand_off
"""

from __future__ import annotations

from alembic import op

revision = "0011_audit_submission_index"
down_revision = "0010_patient_hand_off"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_submission", "audit_events", ["submission_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_submission", table_name="audit_events")
