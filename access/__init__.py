"""Staff access: named accounts with roles, sign-in throttled in the database, the kiosk staff
code, OIDC e-mails mapped to roles, and the client address behind a proxy; sessions that end when
access ends and survive a reload (`access.sessions`), and device cookies (`access.devices`).

No Streamlit: pages call these functions. Hashing is argon2id (`access.passcode`); storing is
`storage.staff`. `python -m access` manages accounts and the kiosk code.
"""

from access.accounts import (
    add_staff,
    disable_staff,
    enable_staff,
    kiosk_code_is_set,
    list_staff,
    reset_password,
    set_kiosk_code,
    set_staff_role,
)
from access.addresses import client_address
from access.credentials import SignInOutcome, check_kiosk_code, sign_in, staff_for_email
from access.passcode import hash_passcode, verify_passcode
from access.roles import ACTIONS, ROLE_ACTIONS, ROLES, Role, can
from access.throttle import ACCOUNT_LIMIT, ADDRESS_LIMIT, KIOSK_LIMIT
from storage.staff import StaffError, StaffMember

__all__ = [
    "ACCOUNT_LIMIT",
    "ACTIONS",
    "ADDRESS_LIMIT",
    "KIOSK_LIMIT",
    "ROLES",
    "ROLE_ACTIONS",
    "Role",
    "SignInOutcome",
    "StaffError",
    "StaffMember",
    "add_staff",
    "can",
    "check_kiosk_code",
    "client_address",
    "disable_staff",
    "enable_staff",
    "hash_passcode",
    "kiosk_code_is_set",
    "list_staff",
    "reset_password",
    "set_kiosk_code",
    "set_staff_role",
    "sign_in",
    "staff_for_email",
    "verify_passcode",
]
