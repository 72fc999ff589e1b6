"""Alert ids unique across databases: a random UUID per alert, given at its
first send attempt and kept for every retry. The 1.1 id, `<channel>:<row id>`, repeated across
two clinics' databases (or a rebuilt or restored one), so a receiver that drops repeats by id
dropped a real alert for another patient.

Revision ID: 0006_alert_identity
Revises: 0005_queue_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_alert_identity"
down_revision = "0005_queue_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alert_deliveries") as batch:
        batch.add_column(sa.Column("alert_uuid", sa.String(36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alert_deliveries") as batch:
        batch.drop_column("alert_uuid")
