"""The questions as the patient saw them move out of the stored result: each distinct set once.

`question_texts` (id, texts): each distinct set of question texts once, under the SHA-256 of its
JSON (`storage.question_texts.key_of`); `submissions.questions_seen` holds the key. The texts
were about 6.7 KB of a 9 KB result, the same for thousands of screenings: on SQLite every row was
a chain of overflow pages and every scan of `submissions` (queue, counts, exports, the start-up
check) read them. The upgrade moves each row's texts out in batches of rows, keeping the rest of
the result as it was (key order included); the downgrade puts them back.

Revision ID: 0013_questions_seen
Revises: 0012_patient_name
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0013_questions_seen"
down_revision = "0012_patient_name"
branch_labels = None
depends_on = None

BATCH = 2000
_submissions = sa.table("submissions", sa.column("id", sa.Integer), sa.column("result", sa.JSON),
                        sa.column("questions_seen", sa.String))
_texts = sa.table("question_texts", sa.column("id", sa.String), sa.column("texts", sa.JSON))


def _key(texts: list[Any]) -> str:
    """As `storage.question_texts.key_of` on the day of this revision (a revision never imports app code)."""
    canonical = json.dumps(texts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def upgrade() -> None:
    op.create_table(
        "question_texts",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("texts", sa.JSON, nullable=False),
    )
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("questions_seen", sa.String(64)))
    bind = op.get_bind()
    known: set[str] = set()
    last = 0
    while True:
        rows = bind.execute(sa.select(_submissions.c.id, _submissions.c.result)
                            .where(_submissions.c.id > last).order_by(_submissions.c.id).limit(BATCH)).all()
        if not rows:
            return
        last = rows[-1].id
        new_texts, changed = [], []
        for row in rows:
            result = row.result
            if not isinstance(result, dict) or "questions_seen" not in result:
                continue
            seen = result.pop("questions_seen")
            key = _key(seen) if isinstance(seen, list) and seen else None
            if key is not None and key not in known:
                known.add(key)
                new_texts.append({"id": key, "texts": seen})
            changed.append({"row_id": row.id, "new_result": result, "key": key})
        if new_texts:
            bind.execute(sa.insert(_texts), new_texts)
        if changed:
            bind.execute(sa.update(_submissions).where(_submissions.c.id == sa.bindparam("row_id"))
                         .values(result=sa.bindparam("new_result", type_=sa.JSON),
                                 questions_seen=sa.bindparam("key")), changed)


def downgrade() -> None:
    bind = op.get_bind()
    texts = {row.id: row.texts for row in bind.execute(sa.select(_texts.c.id, _texts.c.texts))}
    last = 0
    while True:
        rows = bind.execute(sa.select(_submissions.c.id, _submissions.c.result, _submissions.c.questions_seen)
                            .where(_submissions.c.id > last).order_by(_submissions.c.id).limit(BATCH)).all()
        if not rows:
            break
        last = rows[-1].id
        changed = [{"row_id": row.id, "new_result": {**row.result, "questions_seen": texts.get(row.questions_seen, [])}}
                   for row in rows if isinstance(row.result, dict)]
        if changed:
            bind.execute(sa.update(_submissions).where(_submissions.c.id == sa.bindparam("row_id"))
                         .values(result=sa.bindparam("new_result", type_=sa.JSON)), changed)
    with op.batch_alter_table("submissions") as batch:
        batch.drop_column("questions_seen")
    op.drop_table("question_texts")
