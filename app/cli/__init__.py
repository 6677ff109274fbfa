"""The `lawmeet` command: migrate, serve, worker, demo, check, users, deadlines, calendar, audit,
reports, register, meeting.

Here the parser, the commands of the installation (migrate, serve, worker, demo, check) and the
dispatch; each area's arguments and work are a module beside it (``app.cli.users``,
``app.cli.deadlines``, ``app.cli.reports``, ...). The command line calls services and may use
``app.presentation`` and ``app.demo``; it never imports the web or the API layer.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from functools import partial
from typing import Any

from tortoise.exceptions import BaseORMException

from app import db
from app.clock import use_data_dir  # not `from app import clock`: app.cli.clock shadows it
from app.law.context import Law
from app.settings import Settings, SettingsError, load_settings

Command = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]


def _fail(message: str, code: int = 2) -> int:
    print(f"lawmeet: {message}", file=sys.stderr)
    return code


async def _with_database(settings: Settings, work: Callable[[], Awaitable[int]]) -> int:
    context = await db.open_database(settings)
    try:
        return await work()
    finally:
        await db.close_database(context)


async def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    await db.migrate(settings.database_url)
    print(f"database is at the current schema: {db.normalise_url(settings.database.url)}")
    return 0


async def cmd_makemigrations(args: argparse.Namespace, settings: Settings) -> int:
    written = await db.make_migrations(settings.database_url, args.name)
    print("\n".join(written) if written else "no model changes")
    return 0


async def sign_demo_log(settings: Settings) -> str:
    """The demo's audit log signed as a real one is: a key (made once) and a signed head."""
    from app.audit import checkpoints, signing

    path = settings.audit_key_path
    if path.exists():
        key = signing.load(path, settings.audit_origin)
    else:
        key = signing.generate(path, settings.audit_origin)
    signed = await checkpoints.sign_tree_head(key)
    said = f"{signed.size} entries signed" if signed else "nothing new to sign"
    return f"Demo audit log: {said} (verifier key {key.public.verifier()})"


async def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from app.demo import DEMO_PASSWORD, load_demo_data
    from app.presentation.i18n import ROLE_LABELS

    async def work() -> int:
        from app.demo.cases import load_demo_cases

        law = Law.from_settings(settings.legal)

        users = await load_demo_data()
        cases = await load_demo_cases(settings.data_dir, settings.uploads.max_bytes)
        print(f"Demo cases created: {cases}")
        from app.demo.meetings import load_demo_meetings  # rooms and hours need the cases first

        print(f"Demo meeting requests created: {await load_demo_meetings(settings, law)}")
        from app.demo.compliance import load_demo_compliance  # history for the compliance audit

        print(f"Demo history cases created: {await load_demo_compliance(law)}")
        print(await sign_demo_log(settings))
        print(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for demo in users:
            note = " (pending verification)" if demo.status == "pending" else ""
            print(f"  {ROLE_LABELS[demo.role]:<24} {demo.username}{note}")
        return 0

    return await _with_database(settings, work)


async def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    print(f"settings: ok ({settings.app.env})")
    from pydantic import ValidationError

    from app.law.catalogue import load_catalogue

    try:
        print(f"statutory catalogue: ok ({len(load_catalogue().duty)} duties)")
    except ValidationError as exc:
        return _fail(f"statutory catalogue invalid: {exc}", 1)
    try:
        pending = await db.pending_model_changes(settings.database_url)
    except (BaseORMException, OSError) as exc:
        return _fail(f"database unreachable: {exc}", 1)
    if pending:
        return _fail(f"models changed without a migration: {', '.join(pending)}", 1)

    async def work() -> int:
        if not await db.database_reachable():
            return _fail("database unreachable", 1)
        print("database: reachable")
        return 0

    return await _with_database(settings, work)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    uvicorn.run(
        "app.main:app_factory",
        factory=True,
        host=args.host or settings.server.host,
        port=args.port or settings.server.port,
        workers=args.workers or settings.server.workers,
        proxy_headers=True,
        access_log=False,
        log_config=None,
    )
    return 0


async def cmd_user(args: argparse.Namespace, settings: Settings) -> int:
    from app.cli import users

    return await _with_database(settings, lambda: users.run(args))


async def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    from app.cli import audit, audit_log

    if args.audit_command == "verify-receipt":  # offline: the public key alone
        return audit_log.verify_receipt(args.file, settings, args.public_key)
    return await _with_database(settings, lambda: audit.run(args, settings))


async def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from app.audit.checkpoints import keep_signing
    from notifications.runner import run_until_signalled
    from rights_checklist.ledger import keep_current
    from rights_checklist.overdue_tasks import watch_overdue
    from scheduling.meeting_notices import NoticeSettings
    from scheduling.offers import OfferPolicy, keep_offering

    async def work() -> int:
        # Keeps the compliance ledger current and tells supervisors of overdue tasks besides
        # delivering notices.
        law = Law.from_settings(settings.legal)
        overdue = partial(
            watch_overdue,
            law,
            settings.app.public_url,
            interval_seconds=settings.notifications.overdue_sweep_seconds,
        )
        signer = partial(keep_signing, settings.audit_key_path, settings.audit_origin,
                         interval_seconds=60.0 * settings.audit.checkpoint_minutes)  # fmt: skip
        offering = partial(keep_offering, OfferPolicy.from_settings(settings),
                           NoticeSettings.from_settings(settings),
                           interval_seconds=settings.notifications.poll_seconds)  # fmt: skip
        companions = [partial(keep_current, law), overdue, signer, offering]
        if settings.metrics.enabled and settings.metrics.worker_port:
            from app.cli.worker_metrics import serve_metrics

            companions.append(partial(serve_metrics, settings))  # its heartbeat, for Prometheus
        await run_until_signalled(settings, companions=companions)
        return 0

    return await _with_database(settings, work)


async def cmd_notify(args: argparse.Namespace, settings: Settings) -> int:
    from app.cli import notify

    return await _with_database(settings, lambda: notify.run(args, settings))


async def cmd_deadline(args: argparse.Namespace, settings: Settings) -> int:
    from app.cli import deadlines

    return await deadlines.run_deadline(args, settings)


async def cmd_calendar(args: argparse.Namespace, settings: Settings) -> int:
    from app.cli import deadlines

    return await _with_database(settings, lambda: deadlines.run_calendar(args))


async def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from app.cli import reports

    return await _with_database(settings, lambda: reports.run_report(args, settings))


async def cmd_duties(args: argparse.Namespace, settings: Settings) -> int:
    from app.cli import reports

    return await _with_database(settings, lambda: reports.run_duties(args, settings))


async def cmd_meeting(args: argparse.Namespace, settings: Settings) -> int:
    from app.cli import meetings

    return await _with_database(settings, lambda: meetings.run(args, settings))


async def cmd_register(args: argparse.Namespace, settings: Settings) -> int:
    from app.cli import register

    return await _with_database(settings, lambda: register.run(args))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lawmeet", description="Lawyer meetings and defence rights, kept on time."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("migrate", help="bring the database to the current schema")
    make = sub.add_parser("makemigrations", help="write a migration for changed models")
    make.add_argument("--name", help="name of the migration")
    sub.add_parser("demo", help="load demo data (idempotent) and print the demo logins")
    sub.add_parser("check", help="validate settings, database and migrations")
    serve = sub.add_parser("serve", help="serve the web application")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, help="server processes sharing the database")
    sub.add_parser(
        "worker",
        help="deliver queued notifications until SIGTERM or SIGINT (docs/operations.md)",
    )
    from app.cli.users import add_parser as add_user_parser

    add_user_parser(sub)
    from app.cli.deadlines import add_parsers as add_deadline_parsers

    add_deadline_parsers(sub)
    from app.cli.audit import add_parser as add_audit_parser

    add_audit_parser(sub)
    from app.cli.notify import add_parser as add_notify_parser

    add_notify_parser(sub)
    from app.cli.reports import add_parsers as add_report_parsers

    add_report_parsers(sub)
    from app.cli.meetings import add_parser as add_meeting_parser

    add_meeting_parser(sub)
    from app.cli.register import add_parser as add_register_parser

    add_register_parser(sub)
    from app.cli.clock import add_parser as add_clock_parser

    add_clock_parser(sub)
    return parser


ASYNC_COMMANDS: dict[str, Command] = {
    "migrate": cmd_migrate,
    "makemigrations": cmd_makemigrations,
    "demo": cmd_demo,
    "check": cmd_check,
    "user": cmd_user,
    "deadline": cmd_deadline,
    "calendar": cmd_calendar,
    "audit": cmd_audit,
    "worker": cmd_worker,
    "notify": cmd_notify,
    "report": cmd_report,
    "duties": cmd_duties,
    "register": cmd_register,
    "meeting": cmd_meeting,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        return _fail(str(exc))
    from app.logs import configure_logging

    configure_logging(settings.log_format(), settings.logging.level)
    use_data_dir(settings.clock_dir)
    if args.command == "clock":
        from app.cli.clock import run_clock

        return run_clock(args, settings)
    if args.command == "serve":
        return cmd_serve(args, settings)
    try:
        return asyncio.run(ASYNC_COMMANDS[args.command](args, settings))
    except BaseORMException as exc:
        return _fail(f"database error: {exc}", 1)
