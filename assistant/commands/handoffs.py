"""`python -m assistant users create …` and `python -m assistant handoffs purge`."""

from __future__ import annotations

import argparse
import getpass
import sys

def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (12 characters or more): ")
    if first != getpass.getpass("Type it again: "):
        raise SystemExit("The passwords did not match. Nothing was created.")
    return first


def _create_user(args: argparse.Namespace) -> int:
    from assistant.handoffs.staff.users import InvalidUser, create_user, split_roles
    try:
        role, capabilities = split_roles(args.role)
        user_id = create_user(args.username, _read_password(args), role, args.hub or [], args.area, by="cli",
                              capabilities=capabilities)
    except InvalidUser as exc:
        print(f"Not created: {exc}", file=sys.stderr)
        return 2
    print(f"Created {' and '.join(args.role)} {args.username} (id {user_id})")
    return 0


def _list_users(_args: argparse.Namespace) -> int:
    from assistant.handoffs.staff.users import list_users
    for user in list_users():
        scope = ",".join(user.hubs) or user.area or "-"
        roles = "+".join([user.role, *(user.capabilities or [])]) if user.capabilities else user.role
        print(f"{user.username}\t{roles}\t{scope}\t{'active' if user.active else 'deactivated'}")
    return 0


def _purge(_args: argparse.Namespace) -> int:
    from assistant.retention import purge_all

    report = purge_all()
    handoffs = report.handoffs
    print(f"Deleted {handoffs.closed_deleted} closed, {handoffs.withdrawn_deleted} withdrawn and {handoffs.open_deleted} "
          f"never-closed handoffs past retention, {handoffs.sessions_deleted} expired staff sessions, "
          f"{handoffs.notification_counts_deleted} day-old message counts, "
          f"{report.conversations_deleted} chat conversations and {report.audit_deleted} audit events.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    users = subparsers.add_parser("users", help="Staff accounts").add_subparsers(dest="users_command", required=True)
    create = users.add_parser("create", help="Create a staff account (the password is asked for, never defaulted)")
    create.add_argument("username")
    create.add_argument("--role", required=True, action="append",
                        choices=["hub_staff", "area_manager", "admin", "editor", "approver"],
                        help="repeat to combine content roles, e.g. --role editor --role approver")
    create.add_argument("--hub", action="append", help="Hub id, e.g. armley (repeat for several; hub_staff only)")
    create.add_argument("--area", help="Area id, e.g. leeds (area_manager only)")
    create.add_argument("--password-stdin", action="store_true", help="Read the password from the first line of stdin")
    create.set_defaults(func=_create_user)
    users.add_parser("list", help="List staff accounts").set_defaults(func=_list_users)

    handoffs = subparsers.add_parser("handoffs", help="Tell it once").add_subparsers(dest="handoffs_command", required=True)
    handoffs.add_parser("purge", help="Delete handoffs past retention and report counts").set_defaults(func=_purge)
