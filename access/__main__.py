"""`python -m access VERB` (or `make staff ARGS="VERB ..."`): manage staff accounts.

    add USERNAME [--role coordinator|admin] [--name "Display Name"] [--email ADDRESS]
    disable USERNAME | enable USERNAME | reset-password USERNAME
    set-role USERNAME ROLE
    list                      every account (never a hash)
    set-kiosk-code            the staff code that clears a tablet's urgent screen

Passwords and codes are asked twice without echo, or read as one line from standard input
when it is not a terminal. Every verb takes --database URL (default: DATABASE_URL or data/).
Errors are one line, exit 2.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from access.accounts import (
    add_staff,
    disable_staff,
    enable_staff,
    list_staff,
    reset_password,
    set_kiosk_code,
    set_staff_role,
)
from access.roles import ROLES, Role
from settings import settings_or_exit
from storage import MigrationError, Storage
from storage.staff import StaffError

COMMAND_ACTOR = "command line"


def _secret(prompt: str) -> str:
    """Asked twice without echo on a terminal; else one line from standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass(f"{prompt}: ")
        if getpass.getpass("Again: ") != first:
            raise StaffError("the two entries differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m access", description="Manage staff accounts.")
    verbs = parser.add_subparsers(dest="verb", required=True)

    def verb(name: str, help_text: str, *, user: bool = True) -> argparse.ArgumentParser:
        command = verbs.add_parser(name, help=help_text)
        if user:
            command.add_argument("username")
        command.add_argument("--database", default=None, help="database URL (default: DATABASE_URL or data/)")
        return command

    add = verb("add", "add a staff account (asks for its password)")
    add.add_argument("--role", choices=ROLES, default=Role.COORDINATOR.value)
    add.add_argument("--name", default=None, help="display name (default: the username)")
    add.add_argument("--email", default=None, help="e-mail for clinic (OIDC) sign-in")
    verb("disable", "stop an account signing in")
    verb("enable", "let a disabled account sign in again")
    verb("reset-password", "set a new password for an account")
    set_role = verb("set-role", "change an account's role")
    set_role.add_argument("role", choices=ROLES)
    verb("list", "list accounts (never their hashes)", user=False)
    verb("set-kiosk-code", "set the staff code that clears a tablet's urgent screen", user=False)
    return parser


def _run(args: argparse.Namespace) -> str:
    """Do the verb; returns the line to print on success."""
    storage = Storage(args.database or settings_or_exit(f"access {args.verb}").database_url)
    if args.verb == "add":
        member = add_staff(storage, args.username, _secret(f"Password for {args.username}"), role=args.role,
                           display_name=args.name, email=args.email, actor=COMMAND_ACTOR)
        return f"add: account {member.username} ({member.role}) created; only its argon2id hash is stored"
    if args.verb == "disable":
        disable_staff(storage, args.username, actor=COMMAND_ACTOR)
        return f"disable: {args.username} can no longer sign in"
    if args.verb == "enable":
        enable_staff(storage, args.username, actor=COMMAND_ACTOR)
        return f"enable: {args.username} can sign in again"
    if args.verb == "reset-password":
        reset_password(storage, args.username, _secret(f"New password for {args.username}"), actor=COMMAND_ACTOR)
        return f"reset-password: saved for {args.username} (only its argon2id hash is stored)"
    if args.verb == "set-role":
        set_staff_role(storage, args.username, args.role, actor=COMMAND_ACTOR)
        return f"set-role: {args.username} is now {args.role}"
    if args.verb == "set-kiosk-code":
        set_kiosk_code(storage, _secret("New kiosk staff code"), actor=COMMAND_ACTOR)
        return "set-kiosk-code: saved (only its argon2id hash is stored)"
    rows = [f"{m.username}\t{m.role}\t{'disabled' if m.disabled else 'active'}\t{m.display_name}\t{m.email or ''}"
            for m in list_staff(storage)]
    return "\n".join(["username\trole\tstate\tname\temail", *rows]) if rows else "list: no staff accounts yet"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        line = _run(args)
    except (StaffError, MigrationError) as exc:
        print(f"{args.verb}: {exc}; nothing changed", file=sys.stderr)
        return 2
    print(line, file=sys.stdout if args.verb == "list" else sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
