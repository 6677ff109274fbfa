"""`lawmeet audit checkpoint|verify|export`: proving from a terminal that the log is intact."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from app.audit.signing import NoteError
from app.audit.stream import export_entries
from app.audit.verify import CheckpointError, run_verification, take_checkpoint
from app.cli import audit_log
from app.settings import Settings


def add_parser(sub: Any) -> None:
    audit = sub.add_parser("audit", help="checkpoint, verify or export the audit trail")
    actions = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    checkpoint = actions.add_parser(
        "checkpoint",
        help="verify, then write the chain's head to a file outside the database and sign the "
        "tree head (when a signing key exists)",
    )
    checkpoint.add_argument(
        "--output", type=Path, help="file to write (default: DATA_DIR/audit-checkpoints/...)"
    )
    verify = actions.add_parser("verify", help="recompute every link of the chain")
    verify.add_argument(
        "--checkpoint",
        type=Path,
        help="checkpoint file to verify against (default: the newest in DATA_DIR)",
    )
    verify.add_argument(
        "--witness",
        type=Path,
        help="a folder of signed checkpoints kept by a witness: prove today's log extends them",
    )
    verify.add_argument(
        "--public-key", help="the verifier key to check them with (default: the signing key's)"
    )
    export = actions.add_parser("export", help="write entries as JSON Lines")
    export.add_argument(
        "--from", dest="start", help="first day (YYYY-MM-DD, local zone) or ISO date-time"
    )
    export.add_argument("--to", dest="end", help="last day, included, or ISO date-time")
    export.add_argument("--output", type=Path, help="file to write (default: standard output)")
    audit_log.add_actions(actions)


def parse_bound(text: str, zone: ZoneInfo, end: bool = False) -> datetime:
    """A date is a whole day in the configured zone (an end date includes that day); a
    date-time without offset is read in that zone too; an end date-time is included."""
    if len(text) == 10:
        day = date.fromisoformat(text) + timedelta(days=1 if end else 0)
        return datetime.combine(day, time(), tzinfo=zone)
    moment = datetime.fromisoformat(text)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=zone)
    return moment + timedelta(microseconds=1) if end else moment


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8") as out:
        yield out


def _error(text: str, code: int) -> int:
    print(f"lawmeet: {text}", file=sys.stderr)
    return code


async def _export(args: argparse.Namespace, settings: Settings) -> int:
    zone = ZoneInfo(settings.i18n.timezone)
    try:
        start = parse_bound(args.start, zone) if args.start else None
        end = parse_bound(args.end, zone, end=True) if args.end else None
    except ValueError as exc:
        return _error(f"--from/--to: {exc}", 2)
    with _output(args.output) as out:
        written = await export_entries(out, start, end)
    if args.output is not None:
        print(f"{written} entries written to {args.output}", file=sys.stderr)
    return 0


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0 when the chain is intact, 1 when it is broken, 2 on bad input."""
    try:
        answer = await audit_log.run(args, settings)
        if answer is not None:
            return answer
        if args.audit_command == "verify" and args.witness is not None:
            return await audit_log.verify_witness(args.witness, settings, args.public_key)
        if args.audit_command == "export":
            return await _export(args, settings)
        if args.audit_command == "checkpoint":
            outcome, path = await take_checkpoint(None, settings.data_dir, args.output)
            if path is None:
                print(outcome.line())
                return _error("no checkpoint written: the chain is broken", 1)
            print(path)
            if settings.audit_key_path.exists():  # and the tree head signed, as the worker does
                return await audit_log.sign(settings)
            return 0
        outcome, _stored = await run_verification(None, settings.data_dir, args.checkpoint)
    except (CheckpointError, OSError, NoteError) as exc:
        return _error(str(exc), 2)
    if outcome.checkpoint:
        print(f"checked against checkpoint {outcome.checkpoint}", file=sys.stderr)
    print(outcome.line())
    return 0 if outcome.ok else 1
