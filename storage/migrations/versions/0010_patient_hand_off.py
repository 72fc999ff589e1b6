"""The desk's hand-off and staff-assisted answering.

- `submissions.patient_birth_date`: the second identifier beside the chart number
  (`patient_identifier`), from the desk's hand-off or attached by staff afterwards.
- `submissions.assisted_role` / `assisted_by`: the screening was answered with staff help
  (`staff` + the staff member's name, or `interpreter` + the interpreter's language).
- `ix_submissions_patient`: one patient's screenings (history on the detail page).
- `tablet_hand_offs`: at most one pending hand-off per tablet (the tablet's name is the key),
  taken once by the next patient who starts there, void after `expires_at`.

Revision ID: 0010_patient_hand_off
Revises: 0009_red_flag_events
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_patient_hand_off"
down_revision = "0009_red_flag_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("patient_birth_date", sa.Date))
        batch.add_column(sa.Column("assisted_role", sa.String(20)))
        batch.add_column(sa.Column("assisted_by", sa.String(100)))
    op.create_index("ix_submissions_patient", "submissions", ["patient_identifier", "created_at"])
    op.create_table(
        "tablet_hand_offs",
        sa.Column("tablet", sa.String(32), primary_key=True),
        sa.Column("patient_identifier", sa.String(64), nullable=False),
        sa.Column("patient_birth_date", sa.Date, nullable=False),
        sa.Column("first_initial", sa.String(1)),
        sa.Column("started_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("tablet_hand_offs")
    op.drop_index("ix_submissions_patient", table_name="submissions")
    with op.batch_alter_table("submissions") as batch:
        for name in ("assisted_by", "assisted_role", "patient_birth_date"):
            batch.drop_column(name)
