"""The 1.0 schema, FROZEN as it was in storage/schema.py at the 1.1 start (commit 3cf2ad3), and a
1.0 database with data in it. Never edit this to follow the current models: it is what a clinic
that installed 1.0 has on disk, made with `create_all` and no alembic_version table."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    insert,
)
from sqlalchemy.pool import NullPool

from scoring import ScreeningResult

metadata = MetaData()

submissions = Table(
    "submissions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("reference", String(16), nullable=False, unique=True),
    Column("idempotency_key", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_day", Date, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("questionnaire_id", String(100), nullable=False),
    Column("questionnaire_version", String(50), nullable=False),
    Column("questionnaire_hash", String(64), nullable=False),
    Column("language", String(8), nullable=False),
    Column("answers", JSON, nullable=False),
    Column("result", JSON, nullable=False),
    Column("tier", String(50), nullable=False),
    Column("urgent", Boolean, nullable=False),
    Column("status", String(20), nullable=False, server_default="new"),
    Column("note", Text),
    Column("acknowledged_at", DateTime(timezone=True)),
    Column("acknowledged_by", String(200)),
    Column("row_version", Integer, nullable=False, server_default="1"),
    Index("ix_submissions_created", "created_at"),
    Index("ix_submissions_urgent_open", "urgent", "acknowledged_at", "created_at"),
    Index("ix_submissions_tier_created", "tier", "created_at"),
    Index("ix_submissions_status_created", "status", "created_at"),
    Index("ix_submissions_day_tier_status", "created_day", "tier", "status"),
)

audit_events = Table(
    "audit_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("event", String(50), nullable=False),
    Column("submission_id", Integer, ForeignKey("submissions.id")),
    Column("detail", Text, nullable=False, server_default=""),
    Index("ix_audit_at", "at"),
    Index("ix_audit_event_at", "event", "at"),
)

staff_passcode = Table(
    "staff_passcode", metadata,
    Column("id", Integer, primary_key=True),
    Column("passcode_hash", Text, nullable=False),
    Column("set_at", DateTime(timezone=True), nullable=False),
)

PASSCODE_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$ZmFrZWhhc2hmYWtlaGFzaGZha2VoYXNo"
NOTES = ["Called back; booked", "Línea 2\nsegunda línea\tcon tab", None]


def build_v1_0_database(url: str, results: list[ScreeningResult]) -> dict[str, Any]:
    """A 1.0 database at `url` holding one screening per result (notes, statuses, an
    acknowledgement), their audit rows and the passcode; returns what was written."""
    engine = create_engine(url, poolclass=NullPool)
    start = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    written: dict[str, Any] = {"references": [], "audit": 0}
    with engine.begin() as connection:
        metadata.create_all(connection)
        for number, result in enumerate(results):
            at = start + timedelta(hours=number)
            record = result.to_dict()
            reference = f"AB{number % 10}-C{number // 10}D"
            new_id = connection.execute(insert(submissions).values(
                reference=reference, idempotency_key=f"v1-key-{number}", created_at=at, created_day=at.date(),
                updated_at=at, questionnaire_id=result.questionnaire_id,
                questionnaire_version=result.questionnaire_version, questionnaire_hash=result.questionnaire_hash,
                language="es" if number % 2 else "en", answers=record["answers"], result=record, tier=result.tier,
                urgent=result.urgent, status=("new", "reviewed", "referred")[number % 3],
                note=NOTES[number % 3], acknowledged_at=at + timedelta(minutes=4) if result.urgent else None,
                acknowledged_by="coordinator (passcode)" if result.urgent else None, row_version=1 + number % 3,
            )).inserted_primary_key[0]
            written["references"].append(reference)
            connection.execute(insert(audit_events).values(
                at=at, actor="patient-kiosk", event="submitted", submission_id=new_id, detail=f"tier {result.tier}"))
            written["audit"] += 1
        connection.execute(insert(audit_events).values(at=start, actor="admin", event="passcode_set", detail=""))
        connection.execute(insert(staff_passcode).values(id=1, passcode_hash=PASSCODE_HASH, set_at=start))
        written["audit"] += 1
    engine.dispose()
    written["day"] = date(2026, 11, 20)
    return written
