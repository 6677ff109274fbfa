"""`lawmeet notify test|status`: check a channel's configuration, see the queue at a glance."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tortoise.functions import Count
from tortoise.transactions import in_transaction

from app.audit.service import record
from app.settings import Settings, load_settings
from notifications.escalation import sweep
from notifications.kinds import Channel, Status
from notifications.models import Notification
from notifications.rendering import LANGUAGES
from notifications.services import NoAddress, enqueue


def add_parser(sub: Any) -> None:
    notify = sub.add_parser("notify", help="queue a test message or show the notification queue")
    actions = notify.add_subparsers(dest="notify_command", required=True, metavar="ACTION")
    test = actions.add_parser("test", help="queue a test message; the worker sends it")
    test.add_argument(
        "--channel", required=True, choices=[Channel.EMAIL, Channel.SMS, Channel.CONSOLE]
    )
    test.add_argument("--to", default="", help="e-mail address or E.164 number")
    test.add_argument("--language", choices=LANGUAGES, default=LANGUAGES[0])
    actions.add_parser("status", help="how many notifications are in each state")
    actions.add_parser(
        "escalate",
        help="escalate dead or overdue statutory notices (the worker does it too; for cron)",
    )


async def run(args: argparse.Namespace, settings: Settings | None = None) -> int:
    if args.notify_command == "escalate":
        grace = (settings or load_settings()).notifications.escalation_grace_minutes
        raised = await sweep(grace)
        print(f"{raised} escalation(s) raised")
        return 0
    if args.notify_command == "status":
        rows = await Notification.annotate(n=Count("id")).group_by("status").values("status", "n")
        counts = {str(row["status"]): int(row["n"]) for row in rows}
        for status in Status:
            print(f"{status.value:<10} {counts.get(status.value, 0)}")
        return 0
    try:
        async with in_transaction():
            row = await enqueue(
                "test_message",
                Channel(args.channel),
                address=args.to,
                language=args.language,
                payload={"text": "lawmeet notify test"},
            )
            await record(None, "notification.test_queued", "notification", row.id)
    except NoAddress:
        print("lawmeet: --to is required for e-mail and SMS", file=sys.stderr)
        return 2
    print(f"queued notification {row.id}; `lawmeet notify status` shows when it is sent")
    return 0
