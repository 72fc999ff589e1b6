"""The questions as each patient saw them, kept once per distinct set.

A result keeps the text of every question asked (`ScreeningResult.questions_seen`), about 6.7 KB
of a 9 KB result and the same for every screening answered in one version, language and branch.
Storage keeps each distinct set once in `question_texts`, under the SHA-256 of its JSON, and a
screening's row holds that key (`submissions.questions_seen`). Only single-screening reads (the
screening's page, its PDF) put the texts back; scans of `submissions` no longer read them. The
sets are wording, not answers: shared by many screenings and never deleted (a purge leaves them).
`split_result` takes the texts out of a result before it is saved.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from scoring import ScreeningResult
from storage.schema import question_texts


def key_of(texts: list[Any]) -> str:
    """The set's key: SHA-256 of its JSON with sorted keys (the same set, the same key)."""
    canonical = json.dumps(texts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def keep(connection: Connection, texts: list[Any] | None) -> str | None:
    """Store this set unless it is there already; its key (None for no texts)."""
    if not texts:
        return None
    key = key_of(texts)
    dialect_insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    connection.execute(dialect_insert(question_texts).values(id=key, texts=texts).on_conflict_do_nothing())
    return key


def texts_of(connection: Connection, keys: Iterable[str | None]) -> dict[str, Any]:
    """The sets with these keys (one query); an unknown key is absent."""
    wanted = sorted({key for key in keys if key})
    if not wanted:
        return {}
    found = connection.execute(select(question_texts.c.id, question_texts.c.texts)
                               .where(question_texts.c.id.in_(wanted)))
    return {row.id: row.texts for row in found}


SEEN = "questions_seen"
"""The key of the question texts in `ScreeningResult.to_dict()`; the row's column of that name holds the set's key."""


def split_result(result: ScreeningResult) -> tuple[dict[str, Any], list[Any] | None]:
    """The result as stored: its dict without the question texts, and those texts (None when the
    result has none), which `keep` stores in `question_texts`."""
    stored = result.to_dict()
    seen = stored.pop(SEEN, None)
    return stored, (list(seen) if isinstance(seen, list) and seen else None)
