"""Two indexes: `audit_events.submission_id` (retention) and a covering index for
the screen's accuracy.

`ix_audit_submission`: the retention purge deletes a batch's audit rows by `submission_id`, and
deleting a screening makes the database look for audit rows that still point at it (the foreign
key). Without an index each is a scan of the whole audit trail: on PostgreSQL one per deleted
screening, so the purge grew with screenings x audit rows.

`ix_examinations_accuracy` (questionnaire_version, tier, conclusion, screened_at): the accuracy
page counts the latest examination of each screening per (version, tier, conclusion); with every
column it reads in one index, the count never reads an examination row (at 100,000 examinations
97 -> 26 ms of SQLite CPU, see BENCHMARKS.md).

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
    op.create_index("ix_examinations_accuracy", "examinations",
                    ["questionnaire_version", "tier", "conclusion", "screened_at"])


def downgrade() -> None:
    op.drop_index("ix_examinations_accuracy", table_name="examinations")
    op.drop_index("ix_audit_submission", table_name="audit_events")
