"""The questions as the patient saw them move out of the stored result into their own table.

`questions_seen` (submission_id, texts): the text of each question asked, which 1.2 keeps in
every result (`ScreeningResult.questions_seen`). At about 6.7 KB of a 9 KB result it made every
row a chain of overflow pages on SQLite and a large TOAST value on PostgreSQL, so every scan of
`submissions` (queue, counts, exports) read them; only a screening's own page and PDF need them.
The upgrade moves each row's texts into the table in SQL (no row passes through Python) and
removes them from the result; the downgrade puts them back.

Revision ID: 0013_questions_seen
Revises: 0012_patient_name
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_questions_seen"
down_revision = "0012_patient_name"
branch_labels = None
depends_on = None

_MOVE = {
    "sqlite": (
        "INSERT INTO questions_seen (submission_id, texts) SELECT id, json_extract(result, '$.questions_seen') "
        "FROM submissions WHERE json_array_length(result, '$.questions_seen') > 0",
        "UPDATE submissions SET result = json_remove(result, '$.questions_seen') "
        "WHERE json_type(result, '$.questions_seen') IS NOT NULL",
    ),
    # The json type, never jsonb: jsonb would reorder the keys of the answers, whose order is kept.
    "postgresql": (
        "INSERT INTO questions_seen (submission_id, texts) SELECT id, result -> 'questions_seen' "
        "FROM submissions WHERE json_typeof(result -> 'questions_seen') = 'array' "
        "AND json_array_length(result -> 'questions_seen') > 0",
        "UPDATE submissions SET result = (SELECT json_object_agg(e.key, e.value ORDER BY e.n) "
        "FROM json_each(submissions.result) WITH ORDINALITY AS e(key, value, n) WHERE e.key <> 'questions_seen') "
        "WHERE result -> 'questions_seen' IS NOT NULL",
    ),
}
_PUT_BACK = {
    "sqlite": "UPDATE submissions SET result = json_set(result, '$.questions_seen', "
              "json((SELECT texts FROM questions_seen WHERE submission_id = submissions.id))) "
              "WHERE id IN (SELECT submission_id FROM questions_seen)",
    "postgresql": "UPDATE submissions SET result = (SELECT json_object_agg(e.key, e.value ORDER BY e.n) FROM ("
                  "SELECT key, value, n FROM json_each(submissions.result) WITH ORDINALITY AS each(key, value, n) "
                  "UNION ALL SELECT 'questions_seen', seen.texts, 9223372036854775807) AS e) "
                  "FROM questions_seen AS seen WHERE seen.submission_id = submissions.id",
}


def upgrade() -> None:
    op.create_table(
        "questions_seen",
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), primary_key=True),
        sa.Column("texts", sa.JSON, nullable=False),
    )
    for statement in _MOVE[op.get_bind().dialect.name]:
        op.execute(sa.text(statement))


def downgrade() -> None:
    op.execute(sa.text(_PUT_BACK[op.get_bind().dialect.name]))
    op.drop_table("questions_seen")
