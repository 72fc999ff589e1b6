"""The schema: one MetaData, the tables as the latest migration leaves them.

Change a table here AND add a revision in `storage/migrations/versions/` (a test checks the
two agree on SQLite and PostgreSQL).

Portable types only, so the same schema runs on SQLite and PostgreSQL. Times are stored as
UTC (SQLite gives them back naive; `storage.engine.aware` makes them aware again).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    false,
    true,
)

metadata = MetaData()

submissions = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("reference", String(16), nullable=False, unique=True),
    Column("idempotency_key", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_day", Date, nullable=False),  # UTC day of created_at, for per-day counts
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("questionnaire_id", String(100), nullable=False),
    Column("questionnaire_version", String(50), nullable=False),
    Column("questionnaire_hash", String(64), nullable=False),
    Column("language", String(8), nullable=False),
    Column("result", JSON, nullable=False),
    Column("tier", String(50), nullable=False),
    Column("urgent", Boolean, nullable=False),
    Column("status", String(20), nullable=False, server_default="new"),
    Column("note", Text),
    Column("acknowledged_at", DateTime(timezone=True)),
    Column("acknowledged_by", String(200)),
    Column("row_version", Integer, nullable=False, server_default="1"),
    Column("complete", Boolean, nullable=False, server_default=true()),  # False: saved at a red flag
    Column("tablet", String(32)),  # the tablet's short name from its URL (?tablet=front-1)
    Column("tablet_cleared_at", DateTime(timezone=True)),  # staff cleared the urgent screen there
    Column("red_flag_level", String(20)),  # the most severe red flag's level, None without one
    Column("patient_identifier", String(64)),  # the clinic's chart number, set by staff (FHIR)
    Column("patient_birth_date", Date),  # 0010: the second identifier (desk's hand-off or staff)
    Column("assisted_role", String(20)),  # 0010: answered with staff help: staff | interpreter
    Column("assisted_by", String(100)),  # 0010: the staff member's name, or the interpreter's language
    Column("patient_name", String(100)),  # 0012: the full name, the other second identifier (never in alerts)
    Column("questions_seen", String(64)),  # 0013: the key of the question texts asked (question_texts.id)
    # The queue's usual orderings: newest first, unacknowledged urgent first, by tier / status.
    Index("ix_submissions_created", "created_at"),
    Index("ix_submissions_urgent_open", "urgent", "acknowledged_at", "created_at"),
    Index("ix_submissions_tier_created", "tier", "created_at"),
    Index("ix_submissions_status_created", "status", "created_at"),
    Index("ix_submissions_day_tier_status", "created_day", "tier", "status"),
    Index("ix_submissions_tablet_open", "tablet", "urgent", "acknowledged_at"),
    Index("ix_submissions_urgent_created", "urgent", "created_at"),  # 0005: the "urgent only" filter
    Index("ix_submissions_patient", "patient_identifier", "created_at"),  # 0010: one patient's history
)
# 0005: the live list of open urgents, a few rows among millions (partial on both engines).
_OPEN_URGENT = and_(submissions.c.urgent.is_(True), submissions.c.acknowledged_at.is_(None))
Index("ix_submissions_open_urgent", submissions.c.created_at, submissions.c.id,
      sqlite_where=_OPEN_URGENT, postgresql_where=_OPEN_URGENT)

# -- red flags, once raised, never taken back (revision 0009_red_flag_events): one row
# per red-flag answer kept for staff: the answer that raised a flag, and every later change of it.
red_flag_events = Table(
    "red_flag_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False),
    Column("item", String(100), nullable=False),
    Column("answer", JSON, nullable=False),  # the answer as given: a code, codes (a list) or a number
    Column("level", String(20), nullable=False),
    Column("raises", Boolean, nullable=False),  # the answer is in the flag's urgent_if
    Column("at", DateTime(timezone=True), nullable=False),  # when the patient gave it (UTC)
    Index("ix_red_flag_events_submission", "submission_id", "id"),
)

# -- the questions as the patient saw them (revision 0013_questions_seen): each distinct set of
# question texts once, under the SHA-256 of its JSON (`storage.question_texts`); a screening's
# row holds the key. Two thirds of a result's bytes, the same for thousands of screenings, and
# read only by the screening's own page and PDF.
question_texts = Table(
    "question_texts",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the texts (storage.question_texts.key_of)
    Column("texts", JSON, nullable=False),  # ScreeningResult.to_dict()["questions_seen"]
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("event", String(50), nullable=False),
    Column("submission_id", Integer, ForeignKey("submissions.id")),
    Column("detail", Text, nullable=False, server_default=""),
    Index("ix_audit_at", "at"),
    Index("ix_audit_event_at", "event", "at"),
    Index("ix_audit_submission", "submission_id"),  # 0011: the purge's foreign-key look-ups
)

staff_passcode = Table(
    "staff_passcode",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("passcode_hash", Text, nullable=False),
    Column("set_at", DateTime(timezone=True), nullable=False),
)

# -- staff accounts (revision 0003_staff_accounts) ---------------------------------

staff_accounts = Table(
    "staff_accounts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),  # stored lower-case
    Column("display_name", String(200), nullable=False),
    Column("email", String(254)),  # lower-case; an OIDC sign-in with this e-mail is this person
    Column("password_hash", Text, nullable=False),  # argon2id, never the password
    Column("role", String(20), nullable=False),  # coordinator | admin
    Column("disabled", Boolean, nullable=False, server_default=false()),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # 0007: raised by disable, enable, role change and password reset; a session started at an
    # older version is over at its next click.
    Column("session_version", Integer, nullable=False, server_default="1"),
    Index("ix_staff_accounts_email", "email"),
)

# -- staff sessions (revision 0007_staff_sessions): one row per signed-in
# browser; the HttpOnly cookie holds a random token, only its SHA-256 is here. The hand-over
# code (SHA-256 too, valid a minute) is how a page asks the app's route to set that cookie.
staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(254), nullable=False),  # the account, or an OIDC e-mail
    Column("kind", String(20), nullable=False),  # password | oidc
    Column("session_version", Integer, nullable=False),  # the account's when the session started
    Column("token_hash", String(64), unique=True),
    Column("handover_hash", String(64), unique=True),
    Column("handover_until", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Index("ix_staff_sessions_username", "username"),
)

sign_in_attempts = Table(
    "sign_in_attempts",
    metadata,
    # One row per throttle key, e.g. "account:alice@10.0.0.7", "address:10.0.0.7",
    # "kiosk:front-1@10.0.0.9": attempts reserved in the window that started at window_started_at.
    Column("key", String(200), primary_key=True),
    Column("attempts", Integer, nullable=False),
    Column("window_started_at", DateTime(timezone=True), nullable=False),
)

kiosk_code = Table(
    "kiosk_code",
    metadata,
    Column("id", Integer, primary_key=True),  # always 1: one staff code for every tablet
    Column("code_hash", Text, nullable=False),  # argon2id
    Column("set_at", DateTime(timezone=True), nullable=False),
)

# -- alerts: one row per (urgent submission, channel, level); the unique
# triple is the claim that makes two app servers send an alert once, not twice.
alert_channels = Table(
    "alert_channels",
    metadata,
    Column("channel", String(20), primary_key=True),
    # Urgents saved before a channel was first set up are never alerted (no blast of history).
    Column("enabled_at", DateTime(timezone=True), nullable=False),
)

alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False),
    Column("channel", String(20), nullable=False),
    # The red-flag level alerted ("" when unknown): a screening whose level rises later (a
    # same-day flag, then stroke signs) gets a new alert at the new level.
    Column("level", String(20), nullable=False, server_default=""),
    Column("status", String(20), nullable=False),  # pending, sending, delivered, gave_up
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("claimed_by", String(100)),
    Column("lease_until", DateTime(timezone=True)),
    Column("last_attempt_at", DateTime(timezone=True)),
    Column("last_error", String(300)),
    Column("delivered_at", DateTime(timezone=True)),
    # The alert's id as receivers see it (0006): a random UUID given at the first attempt and
    # kept for retries, so it is unique across databases, rebuilt and restored ones too.
    Column("alert_uuid", String(36)),
    UniqueConstraint("submission_id", "channel", "level", name="uq_alert_deliveries_submission_channel_level"),
    Index("ix_alert_deliveries_due", "channel", "status", "next_attempt_at"),
)

# -- the clinician's examination (revision 0008_examinations). Append-only: a later
# examination of the same screening is a new row; the latest (highest id) counts, the earlier
# ones stay as they were. Red-flag findings hang off the examination they were recorded with.
examinations = Table(
    "examinations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False),
    Column("submission_reference", String(16), nullable=False),  # the reference the clinician saw
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("clinician", String(64), nullable=False),  # the staff username
    Column("clinician_name", String(200), nullable=False),
    Column("signs", JSON, nullable=False),  # sign ids from the questionnaire's examination section
    Column("temperature_difference_c", Float),
    Column("criterion_d", String(20), nullable=False),  # yes | no | not_yet_known
    Column("other_diagnosis", Text, nullable=False, server_default=""),
    Column("conclusion", String(30), nullable=False),  # the clinician's own
    Column("severity_score", Integer, nullable=False),  # CSS 0-17 as shown at the save
    # The screening as the clinician saw it, copied in the save's transaction (a screening's
    # version and time never change; its tier is final once complete): the accuracy counts read
    # 100,000 examinations without 100,000 lookups into a million screenings.
    Column("questionnaire_version", String(50), nullable=False),
    Column("tier", String(50), nullable=False),
    Column("screened_at", DateTime(timezone=True), nullable=False),
    Index("ix_examinations_submission_latest", "submission_id", "id"),
    # 0011: the accuracy counts read this index only, never an examination row
    Index("ix_examinations_accuracy", "questionnaire_version", "tier", "conclusion", "screened_at"),
)

examination_red_flags = Table(
    "examination_red_flags",
    metadata,
    Column("examination_id", Integer, ForeignKey("examinations.id"), primary_key=True),
    Column("red_flag", String(100), primary_key=True),
    Column("finding", String(20), nullable=False),  # confirmed | false_alarm | not_assessed
)
# Screenings per questionnaire version over a date range (the accuracy page's denominator).
Index("ix_submissions_version_created", submissions.c.questionnaire_version, submissions.c.created_at)

# -- the desk's hand-off (revision 0010_patient_hand_off): at most one pending
# patient per tablet, taken once by the next patient who starts there, void after expires_at.
tablet_hand_offs = Table(
    "tablet_hand_offs",
    metadata,
    Column("tablet", String(32), primary_key=True),
    Column("patient_identifier", String(64), nullable=False),  # the chart number
    Column("patient_birth_date", Date),  # 0012: nullable, the full name may be given instead
    Column("patient_name", String(100)),  # 0012: the full name (date of birth or name, or both)
    Column("first_initial", String(1)),  # shown on the tablet only if TABLET_SHOWS_INITIAL
    Column("started_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)
