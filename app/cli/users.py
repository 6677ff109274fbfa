"""`lawmeet user create|disable|list`: account administration from a terminal."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from app.accounts import services
from app.accounts.models import User
from app.accounts.roles import AccountStatus, Role
from app.presentation.messages import message


def add_parser(sub: Any) -> None:
    user = sub.add_parser("user", help="create, disable or list users")
    actions = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a staff, investigator, auditor or admin")
    create.add_argument("username")
    create.add_argument("--name", required=True, help="display name")
    create.add_argument(
        "--role", required=True, choices=[r.value for r in Role if r != Role.LAWYER]
    )
    create.add_argument("--organisation", type=int, help="facility, agency or bar id")
    create.add_argument("--email", default="")
    create.add_argument("--phone", default="")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    disable = actions.add_parser("disable", help="disable a user and end their sessions")
    disable.add_argument("username")
    actions.add_parser("list", help="list users")
    supervisor = actions.add_parser(
        "supervisor", help="make an investigator the agency's supervisor (sees overdue tasks)"
    )
    supervisor.add_argument("username")
    supervisor.add_argument("--off", action="store_true", help="no longer the supervisor")
    token = actions.add_parser(
        "token", help="issue an API token for a user (printed once; for integrations)"
    )
    token.add_argument("username")
    token.add_argument("--name", required=True, help="what the token is for")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise services.AccountError("passwords_differ", "password")
    return first


async def run(args: argparse.Namespace) -> int:
    try:
        if args.user_command == "list":
            for user in await User.all():
                print(
                    f"{user.id:>5}  {user.username:<24} {user.role.value:<16} {user.status.value}"
                )
            return 0
        if args.user_command == "supervisor":
            found = await User.get_or_none(username=args.username.lower())
            if found is None:
                print(f"lawmeet: no user named {args.username}", file=sys.stderr)
                return 1
            await services.set_supervisor(None, found, not args.off)
            state = "no longer supervises" if args.off else "supervises"
            print(f"{found.username} {state} agency {found.agency_id}")
            return 0
        if args.user_command == "token":
            holder = await User.get_or_none(username=args.username.lower())
            if holder is None or not holder.is_active:
                print(f"lawmeet: no active user named {args.username}", file=sys.stderr)
                return 1
            _token, raw = await services.issue_token(holder, args.name)
            print(raw)
            return 0
        if args.user_command == "disable":
            target = await User.get_or_none(username=args.username.lower())
            if target is None:
                print(f"lawmeet: no user named {args.username}", file=sys.stderr)
                return 1
            await services.set_status(None, target, AccountStatus.DISABLED)
            print(f"disabled {target.username}")
            return 0
        account = services.NewAccount(
            username=args.username,
            display_name=args.name,
            password=_read_password(args.password_stdin),
            email=args.email,
            phone=args.phone,
        )
        user = await services.create_user(None, account, Role(args.role), args.organisation)
        print(f"created {user.username} ({user.role.value})")
        return 0
    except services.AccountError as exc:
        for one in exc.each():  # every field at fault, one line each
            field = f"{one.field}: " if one.field else ""
            print(f"lawmeet: {field}{message(one.code)}", file=sys.stderr)
        return 2
