"""Roles as a table; OIDC e-mails mapped to roles (settings lists or an account's e-mail)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from access import (
    ACTIONS,
    StaffError,
    StaffMember,
    add_staff,
    can,
    disable_staff,
    list_staff,
    set_staff_role,
    staff_for_email,
)
from storage import Storage

COORDINATOR = StaffMember("cora", "Cora", "coordinator")
ADMIN = StaffMember("ada", "Ada", "admin")
CLINICIAN = StaffMember("cleo", "Cleo", "clinician")


@pytest.mark.parametrize(
    ("member", "action", "allowed"),
    [(COORDINATOR, action, action in {"queue", "review", "export", "pdf", "accuracy"}) for action in sorted(ACTIONS)]
    + [(CLINICIAN, action, action in {"queue", "review", "export", "pdf", "accuracy", "examine"})  # clinicians
       for action in sorted(ACTIONS)]
    + [(ADMIN, action, True) for action in sorted(ACTIONS)]
    + [(None, "queue", False), (StaffMember("old", "Old", "admin", disabled=True), "queue", False),
       (StaffMember("odd", "Odd", "visitor"), "queue", False)],
)
def test_can(member: StaffMember | None, action: str, allowed: bool) -> None:
    assert can(member, action) is allowed


def test_unknown_action_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown staff action 'exprot'"):
        can(ADMIN, "exprot")


@dataclass(frozen=True)
class Lists:
    staff_emails: tuple[str, ...] = ("nurse@clinic.example",)
    admin_emails: tuple[str, ...] = ("boss@clinic.example",)


def test_email_lists_map_to_roles(storage: Storage) -> None:
    nurse = staff_for_email(Lists(), storage, " Nurse@Clinic.example ")
    assert nurse is not None and (nurse.username, nurse.role) == ("nurse@clinic.example", "coordinator")
    boss = staff_for_email(Lists(staff_emails=("x@clinic.example",)), storage, "boss@clinic.example")
    assert boss is not None and boss.role == "admin"
    assert staff_for_email(Lists(), storage, "stranger@example.org") is None
    assert staff_for_email(Lists(), storage, "") is None


def test_account_email_signs_in_as_that_account(storage: Storage) -> None:
    add_staff(storage, "bea", "bea-password-1", role="admin", email="bea@clinic.example", actor="test")
    bea = staff_for_email(Lists(), storage, "BEA@clinic.example")
    assert bea is not None and (bea.username, bea.role) == ("bea", "admin")
    add_staff(storage, "nina", "nina-password", email="nurse@clinic.example", actor="test")
    nina = staff_for_email(Lists(), storage, "nurse@clinic.example")
    assert nina is not None and (nina.username, nina.role) == ("nina", "coordinator")
    disable_staff(storage, "nina", actor="test")
    assert staff_for_email(Lists(), storage, "nurse@clinic.example") is None  # disabled beats the list


def test_the_last_active_admin_cannot_be_disabled_or_demoted(storage: Storage) -> None:
    add_staff(storage, "ada", "ada-password-1", role="admin", actor="test")
    add_staff(storage, "cora", "cora-password", actor="test")
    disable_staff(storage, "cora", actor="ada")  # a coordinator: fine
    with pytest.raises(StaffError, match="'ada' is the last active admin"):
        disable_staff(storage, "ada", actor="ada")
    with pytest.raises(StaffError, match="last active admin"):
        set_staff_role(storage, "ada", "coordinator", actor="ada")
    add_staff(storage, "bea", "bea-password-1", role="admin", actor="test")
    set_staff_role(storage, "ada", "coordinator", actor="bea")
    assert [(m.username, m.role, m.disabled) for m in list_staff(storage)] == [
        ("ada", "coordinator", False), ("bea", "admin", False), ("cora", "coordinator", True)]
    with pytest.raises(StaffError, match="no account named 'zed'"):
        disable_staff(storage, "zed", actor="bea")
