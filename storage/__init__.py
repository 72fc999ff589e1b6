"""Storage: the only code that touches the database (SQLAlchemy Core).

Holds submissions (answers, the full scoring result, review status), the append-only audit
trail and the staff passcode hash. `scoring/` never imports this package; `ui/` and `report`'s
command line do. Streamlit caching of a `Storage` lives in `ui.resources`, not here.
"""

from storage.database import Storage, default_database_url
from storage.records import (
    STATUSES,
    AuditEvent,
    QueueFilter,
    QueuePage,
    SaveFailed,
    Submission,
    UpdateOutcome,
)

__all__ = [
    "STATUSES",
    "AuditEvent",
    "QueueFilter",
    "QueuePage",
    "SaveFailed",
    "Storage",
    "Submission",
    "UpdateOutcome",
    "default_database_url",
]
