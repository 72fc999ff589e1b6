"""The patient's full name as the other second identifier (the desk gives the chart number and the
date of birth or the name).

- `submissions.patient_name`: the full name beside the chart number, from the desk's hand-off or
  attached by staff afterwards; shown to staff, on the clinician PDF and in FHIR, never in an
  alert, a log line or on the tablet.
- `tablet_hand_offs.patient_name`, and `tablet_hand_offs.patient_birth_date` made nullable: a
  hand-off carries the date of birth or the name (or both); `storage.hand_off.start` checks one
  is there.

Revision ID: 0012_patient_name
Revises: 0010_patient_hand_off
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_patient_name"
down_revision = "0011_audit_submission_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("patient_name", sa.String(100)))
    with op.batch_alter_table("tablet_hand_offs") as batch:
        batch.add_column(sa.Column("patient_name", sa.String(100)))
        batch.alter_column("patient_birth_date", existing_type=sa.Date, nullable=True)


def downgrade() -> None:
    # A pending hand-off given by name only has no date of birth to keep: it is withdrawn (the
    # desk starts it again); hand-offs live 30 minutes at most.
    op.execute(sa.text("DELETE FROM tablet_hand_offs WHERE patient_birth_date IS NULL"))
    with op.batch_alter_table("tablet_hand_offs") as batch:
        batch.alter_column("patient_birth_date", existing_type=sa.Date, nullable=False)
        batch.drop_column("patient_name")
    with op.batch_alter_table("submissions") as batch:
        batch.drop_column("patient_name")
