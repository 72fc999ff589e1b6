"""Storage: the only code that touches the database (SQLAlchemy Core, parameterised SQL only).

Every module is functions taking the one `Storage` (below; its engine opened by `engine`):

- `submissions` saves a screening once per key; `reviews` holds the staff's review actions
  (acknowledge, clear on the tablet, status and note, patient identifiers); `reads` reads them
  back (queue pages, the open urgent ones, the export's chunks); `clinic_days` counts them by
  day in the clinic's zone; `urgent` orders the open urgent list by danger;
- `audit` is the append-only audit trail every change writes to in its own transaction;
- `staff` holds staff accounts, the kiosk staff code and the sign-in throttle's counters (hashes
  only), `staff_sessions` the signed-in browsers; `deliveries` the alert deliveries (read back by
  `delivery_status`); `hand_off` the desk's hand-off to a tablet; `examinations` the clinician's
  examinations;
- `export` writes CSV and FHIR; `backup` (with `backup_files`, `backup_sqlite`, `backup_postgresql`,
  `backup_crypt`, `backup_verbs`) makes sealed backups and `backup_restore` checks and restores
  them; `retention` purges old screenings; `demo` fills a practice database;
  `migrations` (Alembic) and `schema` define the tables; `records` the values read and written.

`scoring/` never imports this package; `ui/`, `access/`, `alerts/` and `report`'s command line
do. Streamlit caching of a `Storage` lives in `ui.resources`, not here.
"""

from storage import audit, clinic_days, export, reads, reviews, submissions
from storage.engine import Database
from storage.migrations import MigrationError
from storage.records import (
    RED_FLAG_LEVELS,
    STATUSES,
    AuditEvent,
    InvalidInput,
    PatientIds,
    QueueFilter,
    QueuePage,
    SaveFailed,
    Submission,
    UpdateOutcome,
    valid_note,
    valid_tablet,
)


class Storage(Database):
    """One database: submissions, the audit trail and everything else above; each method is
    the function of the same name in `submissions`, `reviews`, `reads`, `clinic_days`, `audit` or
    `export`."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        super().__init__(url, migrate=migrate)
        self.past_days: clinic_days.PastDays = {}

    save_submission = submissions.save_submission
    acknowledge = reviews.acknowledge
    clear_on_tablet = reviews.clear_on_tablet
    set_patient_identifier = reviews.set_patient_identifier
    attach_patient = reviews.attach_patient
    set_status = reviews.set_status

    get_submission = reads.get_submission
    get_by_reference = reads.get_by_reference
    list_submissions = reads.list_submissions
    open_urgent = reads.open_urgent
    open_urgent_for_tablet = reads.open_urgent_for_tablet
    patient_history = reads.patient_history
    iter_export_rows = reads.iter_export_rows
    export_csv = export.export_csv

    counts_for_day = clinic_days.counts_for_day
    daily_counts = clinic_days.daily_counts

    record_event = audit.record_event
    list_audit = audit.list_audit
    count_audit = audit.count_audit


__all__ = [
    "RED_FLAG_LEVELS",
    "STATUSES",
    "AuditEvent",
    "InvalidInput",
    "MigrationError",
    "PatientIds",
    "QueueFilter",
    "QueuePage",
    "SaveFailed",
    "Storage",
    "Submission",
    "UpdateOutcome",
    "valid_note",
    "valid_tablet",
]
