"""Storage: the only code that touches the database (SQLAlchemy Core).

Holds submissions (answers, the full scoring result, review status), the append-only audit
trail and the staff passcode hash. `scoring/` never imports this package; `ui/` and `report`'s
command line do. Streamlit caching of a `Storage` lives in `ui.resources`, not here.
"""

from storage.database import Storage
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
