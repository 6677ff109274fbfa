"""`lawmeet meeting ask`: open a meeting request from a terminal, as a named user.

For a script that files requests in bulk (a legal-aid centre's daily list) or a desk
recording a walk-in after an outage. It builds the same command as the lawyer's form, the
walk-in form and the API (``scheduling.asking.AskForMeeting``), so every rule answers here as
there: the field at fault and the same words, in the language asked for.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.accounts.models import User
from app.accounts.roles import AccountStatus
from app.cases.kinds import DocumentKind
from app.commands import build
from app.errors import DomainError
from app.law.context import Law
from app.presentation.i18n import current_locale
from app.presentation.messages import error_message
from app.settings import Settings
from scheduling.asking import AskForMeeting, ask_for_meeting
from scheduling.kinds import RequestPurpose, RoomKind


def add_parser(sub: Any) -> None:
    meeting = sub.add_parser("meeting", help="meeting requests from a terminal")
    actions = meeting.add_subparsers(dest="meeting_command", required=True, metavar="ACTION")
    ask = actions.add_parser("ask", help="open a meeting request as USER (CPL art. 39)")
    ask.add_argument("--as", dest="username", required=True, help="the lawyer, or the desk")
    ask.add_argument("--engagement", required=True, type=int, help="the engagement's id")
    ask.add_argument("--length", type=int, default=60, help="minutes (default 60)")
    ask.add_argument(
        "--room-kind", default=RoomKind.IN_PERSON.value, choices=[k.value for k in RoomKind]
    )
    ask.add_argument(
        "--window", nargs=2, action="append", default=[], metavar=("FROM", "TO"),
        help="a preferred window, ISO times with their zone (repeatable)",
    )  # fmt: skip
    ask.add_argument("--assistant-name", default="", help="M6: the one assistant's name")
    ask.add_argument("--assistant-id-number", default="", help="M6: the assistant's id number")
    ask.add_argument("--interpreter", action="store_true", help="M7: an interpreter is needed")
    ask.add_argument(
        "--purpose", default=RequestPurpose.ORDINARY.value,
        choices=[p.value for p in RequestPurpose], help="all but ordinary are priority meetings",
    )  # fmt: skip
    ask.add_argument("--longer-reason", default="", help="why a length beyond the centre's")
    ask.add_argument(
        "--interrogation-consent", action="store_true",
        help="the lawyer consents in writing to an interrogation room (R2015 art. 7)",
    )  # fmt: skip
    ask.add_argument("--walk-in", action="store_true", help="desk only: the lawyer is here (M2)")
    ask.add_argument("--requested-at", help="desk only: when she asked, ISO time with its zone")
    ask.add_argument(
        "--documents", help="desk only: the documents seen at the gate, comma-separated ("
        + ", ".join(kind.value for kind in DocumentKind) + ")",
    )  # fmt: skip
    ask.add_argument("--lang", default="zh-CN", choices=["zh-CN", "en"], help="answer language")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    current_locale.set(args.lang)
    actor = await User.get_or_none(username=args.username.lower())
    if actor is None or actor.status != AccountStatus.ACTIVE:
        print(f"lawmeet: no active user named {args.username}", file=sys.stderr)
        return 1
    try:
        command = build(AskForMeeting, **_values(args))
        legal = await Law.from_settings(settings.legal).context()
        opened = await ask_for_meeting(actor, command, legal)
    except DomainError as exc:
        for one in exc.each():  # every field at fault, one line each
            field = f"{one.field}: " if one.field else ""
            print(f"lawmeet: {field}{error_message(one)}", file=sys.stderr)
        return 2
    deadline = opened.deadline_at.isoformat() if opened.deadline_at else "-"
    print(f"request {opened.id} {opened.status.value} deadline {deadline}")
    return 0


def _values(args: argparse.Namespace) -> dict[str, Any]:
    """The command's fields as given; a value of the wrong shape is the command's to refuse."""
    values: dict[str, Any] = {
        "engagement_id": args.engagement,
        "length_minutes": args.length,
        "room_kind": args.room_kind,
        "preferred_windows": [{"start": start, "end": end} for start, end in args.window],
        "assistant_name": args.assistant_name,
        "assistant_id_number": args.assistant_id_number,
        "interpreter_needed": args.interpreter,
        "walk_in": args.walk_in,
        "purpose": args.purpose,
        "longer_reason": args.longer_reason,
        "interrogation_room_consent": args.interrogation_consent,
    }
    if args.requested_at is not None:
        values["requested_at"] = args.requested_at
    if args.documents is not None:
        values["documents_presented"] = [d.strip() for d in args.documents.split(",") if d]
    return values
