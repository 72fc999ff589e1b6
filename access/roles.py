"""What each staff role may do. `coordinator`: the queue, reviews, exports and PDFs; `admin`:
all of that plus staff accounts and the audit log."""

from __future__ import annotations

from storage.staff import StaffMember

COORDINATOR_ACTIONS = frozenset({"queue", "review", "export", "pdf"})
ADMIN_ACTIONS = COORDINATOR_ACTIONS | {"staff_accounts", "audit_log"}
ROLE_ACTIONS: dict[str, frozenset[str]] = {"coordinator": COORDINATOR_ACTIONS, "admin": ADMIN_ACTIONS}
# A clinician records their examination (admins may too; coordinators may not); the
# screen's accuracy page is open to every staff role.
CLINICIAN_ACTIONS = COORDINATOR_ACTIONS | {"examine", "accuracy"}
ADMIN_ACTIONS = ADMIN_ACTIONS | {"examine", "accuracy"}
COORDINATOR_ACTIONS = COORDINATOR_ACTIONS | {"accuracy"}
ROLE_ACTIONS.update(coordinator=COORDINATOR_ACTIONS, admin=ADMIN_ACTIONS, clinician=CLINICIAN_ACTIONS)
ACTIONS = ADMIN_ACTIONS


def can(member: StaffMember | None, action: str) -> bool:
    """True when `member` (signed in, not disabled) may do `action`; an unknown action is a
    ValueError, so a typo in a page cannot quietly open or close it."""
    if action not in ACTIONS:
        raise ValueError(f"unknown staff action '{action}'; use one of {', '.join(sorted(ACTIONS))}")
    if member is None or member.disabled:
        return False
    return action in ROLE_ACTIONS.get(member.role, frozenset())
