"""The coordinator's page functions as app.py registers them (each checks access itself)."""

from ui.coordinator.audit_log import audit
from ui.coordinator.detail import detail
from ui.coordinator.queue import queue
from ui.coordinator.sign_in import sign_in

__all__ = ["audit", "detail", "queue", "sign_in"]
