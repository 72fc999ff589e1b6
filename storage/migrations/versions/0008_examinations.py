"""The clinician's examination: one append-only row per examination saved (the latest
per screening counts), its red-flag findings, and an index for the screenings per questionnaire
version over a date range (the accuracy page's denominator at a million screenings).

Revision ID: 0008_examinations
Revises: 0005_queue_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_examinations"
down_revision = "0007_staff_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "examinations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("submission_reference", sa.String(16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("clinician", sa.String(64), nullable=False),
        sa.Column("clinician_name", sa.String(200), nullable=False),
        sa.Column("signs", sa.JSON, nullable=False),
        sa.Column("temperature_difference_c", sa.Float),
        sa.Column("criterion_d", sa.String(20), nullable=False),
        sa.Column("other_diagnosis", sa.Text, nullable=False, server_default=""),
        sa.Column("conclusion", sa.String(30), nullable=False),
        sa.Column("severity_score", sa.Integer, nullable=False),
        sa.Column("questionnaire_version", sa.String(50), nullable=False),
        sa.Column("tier", sa.String(50), nullable=False),
        sa.Column("screened_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_examinations_submission_latest", "examinations", ["submission_id", "id"])
    op.create_table(
        "examination_red_flags",
        sa.Column("examination_id", sa.Integer, sa.ForeignKey("examinations.id"), primary_key=True),
        sa.Column("red_flag", sa.String(100), primary_key=True),
        sa.Column("finding", sa.String(20), nullable=False),
    )
    op.create_index("ix_submissions_version_created", "submissions", ["questionnaire_version", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_submissions_version_created", table_name="submissions")
    op.drop_table("examination_red_flags")
    op.drop_index("ix_examinations_submission_latest", table_name="examinations")
    op.drop_table("examinations")
