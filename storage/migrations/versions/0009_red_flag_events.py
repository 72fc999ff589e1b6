"""A red flag, once raised, is never taken back: one row per red-flag answer kept for
staff (the answer that raised the flag, and each later change, with its time).

Existing urgent screenings keep their flags: each red flag in a stored result becomes a raising
answer at the time the screening was saved (the only time known), with the answer stored in the
result (or "yes" when none is stored) and the level of the default
questionnaire's flag (else the row's own level, else `emergency`: never understated).

Revision ID: 0009_red_flag_events
Revises: 0006_alert_identity
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009_red_flag_events"
down_revision = "0008_examinations"
branch_labels = None
depends_on = None

# The red flags' levels in questionnaires/crps.yaml when this revision was written (a migration
# keeps the facts of its day; the questionnaire may change later).
LEVELS = {
    "cold_pale_numb_limb": "emergency",
    "sudden_leg_swelling_or_breathless": "same_day",
    "breathless_or_chest_pain": "emergency",
    "fever_with_hot_red_limb": "same_day",
    "spreading_redness_or_pus": "same_day",
    "tight_cast_worsening_pain": "emergency",
    "stroke_signs": "emergency",
    "self_harm_thoughts": "talk_now",
}
_CHUNK = 1000


def upgrade() -> None:
    events = op.create_table(
        "red_flag_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("item", sa.String(100), nullable=False),
        sa.Column("answer", sa.JSON, nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("raises", sa.Boolean, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_red_flag_events_submission", "red_flag_events", ["submission_id", "id"])
    assert events is not None
    submissions = sa.table("submissions", sa.column("id", sa.Integer), sa.column("urgent", sa.Boolean),
                           sa.column("created_at", sa.DateTime(timezone=True)), sa.column("result", sa.JSON),
                           sa.column("red_flag_level", sa.String(20)))
    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(submissions.c.id, submissions.c.created_at, submissions.c.result, submissions.c.red_flag_level)
            .where(submissions.c.urgent.is_(True), submissions.c.id > last_id)
            .order_by(submissions.c.id).limit(_CHUNK)
        ).all()
        if not rows:
            return
        kept = [event for row in rows for event in _raising_answers(*row)]
        if kept:
            connection.execute(sa.insert(events), kept)
        last_id = rows[-1][0]


def _raising_answers(submission_id: int, created_at: Any, result: Any, row_level: str | None) -> list[dict[str, Any]]:
    if isinstance(result, str):
        result = json.loads(result)
    answers = result.get("answers", {}) if isinstance(result, dict) else {}
    flags = result.get("red_flags", []) if isinstance(result, dict) else []
    return [
        {"submission_id": submission_id, "item": str(item), "answer": answers.get(item, "yes"),
         "level": LEVELS.get(item, row_level or "emergency"), "raises": True, "at": created_at}
        for item in flags
    ]


def downgrade() -> None:
    op.drop_index("ix_red_flag_events_submission", table_name="red_flag_events")
    op.drop_table("red_flag_events")
