"""What each staff role may do. `coordinator`: the queue, reviews, exports and PDFs; `admin`:
all of that plus staff accounts and the audit log."""

from __future__ import annotations

from enum import StrEnum

from storage.staff import StaffMember


class Role(StrEnum):
    """The staff roles, named here once. `storage.staff.ROLES` (below access, so it cannot import
    this) lists the same names to check what it stores; tests/test_architecture.py compares them."""

    COORDINATOR = "coordinator"
    ADMIN = "admin"
    CLINICIAN = "clinician"  # issue 18: records examinations


ROLES: tuple[str, ...] = tuple(role.value for role in Role)
COORDINATOR_ACTIONS = frozenset({"queue", "review", "export", "pdf"})
ADMIN_ACTIONS = COORDINATOR_ACTIONS | {"staff_accounts", "audit_log"}
ROLE_ACTIONS: dict[str, frozenset[str]] = {Role.COORDINATOR: COORDINATOR_ACTIONS, Role.ADMIN: ADMIN_ACTIONS}
# Issue 18: a clinician records their examination (admins may too; coordinators may not); the
# screen's accuracy page is open to every staff role.
CLINICIAN_ACTIONS = COORDINATOR_ACTIONS | {"examine", "accuracy"}
ADMIN_ACTIONS = ADMIN_ACTIONS | {"examine", "accuracy"}
COORDINATOR_ACTIONS = COORDINATOR_ACTIONS | {"accuracy"}
ROLE_ACTIONS.update({Role.COORDINATOR: COORDINATOR_ACTIONS, Role.ADMIN: ADMIN_ACTIONS,
                     Role.CLINICIAN: CLINICIAN_ACTIONS})
ACTIONS = ADMIN_ACTIONS


def can(member: StaffMember | None, action: str) -> bool:
    """True when `member` (signed in, not disabled) may do `action`; an unknown action is a
    ValueError, so a typo in a page cannot quietly open or close it."""
    if action not in ACTIONS:
        raise ValueError(f"unknown staff action '{action}'; use one of {', '.join(sorted(ACTIONS))}")
    if member is None or member.disabled:
        return False
    return action in ROLE_ACTIONS.get(member.role, frozenset())
