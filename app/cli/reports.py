"""`lawmeet report compliance` and `lawmeet duties refresh`: the compliance audit from a shell.

The report is the one the dashboard shows (``rights_checklist.compliance``), written as CSV,
JSON or a printable HTML page with the audit trail verified at the time of the report. On a
terminal a progress bar on standard error follows the steps; in a pipe only the output appears.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from app.law.context import Law
from app.orgs.models import Agency, Facility
from app.orgs.regions import is_region_code, jurisdiction_prefix
from app.presentation.i18n import LOCALES, current_locale, gettext
from app.settings import Settings
from rights_checklist.compliance_types import ComplianceReport, ReportScope

if TYPE_CHECKING:
    from app.audit.verify import Outcome
    from app.cli.progress import Progress

FORMATS: Final = ("csv", "json", "html")
_DAY = re.compile(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_PREFIX = re.compile(r"\A(?:[0-9]{2}|[0-9]{4}|[0-9]{6})\Z")


def _(message: str) -> str:
    return gettext(message)


class InputError(Exception):
    """Bad input on the command line: the message says what to fix (exit code 2)."""


def add_parsers(sub: Any) -> None:
    report = sub.add_parser("report", help="write reports (compliance audit)")
    kinds = report.add_subparsers(dest="report_command", required=True, metavar="REPORT")
    compliance = kinds.add_parser(
        "compliance", help="compliance figures of facilities and agencies for a period"
    )
    compliance.add_argument(
        "--from", dest="start", required=True, metavar="DATE", help="first day, YYYY-MM-DD"
    )
    compliance.add_argument(
        "--to", dest="end", required=True, metavar="DATE", help="last day, YYYY-MM-DD (included)"
    )
    compliance.add_argument(
        "--jurisdiction",
        metavar="CODE",
        help="region-code prefix: 2, 4 or 6 digits (default: everywhere)",
    )
    compliance.add_argument("--facility", type=int, metavar="ID", help="one detention centre")
    compliance.add_argument("--agency", type=int, metavar="ID", help="one agency")
    compliance.add_argument("--format", choices=FORMATS, default="csv", help="default: csv")
    compliance.add_argument(
        "--output", type=Path, metavar="FILE", help="file to write (default: standard output)"
    )
    compliance.add_argument(
        "--bom",
        action="store_true",
        help="CSV: start with a UTF-8 byte-order mark (for spreadsheets)",
    )
    compliance.add_argument(
        "--locale",
        choices=LOCALES,
        help="language of the report (default: settings i18n.default_locale)",
    )
    compliance.add_argument("--quiet", action="store_true", help="no progress bar")
    duties = sub.add_parser("duties", help="keep the duty ledger of the compliance audit current")
    actions = duties.add_subparsers(dest="duties_command", required=True, metavar="ACTION")
    refresh = actions.add_parser("refresh", help="re-judge the cases changed since last judged")
    refresh.add_argument("--all", action="store_true", help="re-judge every case")
    refresh.add_argument("--quiet", action="store_true", help="no progress bar")


def parse_day(text: str, option: str) -> date:
    try:
        if not _DAY.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            _("%(option)s: %(value)s is not a date; write YYYY-MM-DD, e.g. 2026-01-31.")
            % {"option": option, "value": text}
        ) from None


def parse_jurisdiction(text: str | None) -> str | None:
    """A region-code prefix (2, 4 or 6 digits of a known province), as the scope keeps it:
    trailing zero pairs dropped, so 110000 and 1100 both mean 11 (all of Beijing)."""
    if text is None:
        return None
    padded = text.ljust(6, "0")
    if not _PREFIX.match(text) or not is_region_code(padded):
        raise InputError(
            _(
                "--jurisdiction: %(value)s is not a region code prefix; "
                "write 2, 4 or 6 digits, e.g. 11, 1101 or 110108."
            )
            % {"value": text}
        )
    return jurisdiction_prefix(padded)


@dataclass(frozen=True)
class ReportRequest:
    scope: ReportScope
    format: str
    output: Path | None
    bom: bool
    locale: str


async def read_request(args: argparse.Namespace, settings: Settings) -> ReportRequest:
    """The command line as a report request, or InputError naming what is wrong."""
    start = parse_day(args.start, "--from")
    end = parse_day(args.end, "--to")
    if end < start:
        raise InputError(
            _("--to (%(end)s) is before --from (%(start)s).") % {"end": end, "start": start}
        )
    jurisdiction = parse_jurisdiction(args.jurisdiction)
    if args.facility is not None and not await Facility.exists(id=args.facility):
        raise InputError(
            _("--facility: no detention centre has id %(id)s.") % {"id": args.facility}
        )
    if args.agency is not None and not await Agency.exists(id=args.agency):
        raise InputError(_("--agency: no agency has id %(id)s.") % {"id": args.agency})
    if args.output is not None and not args.output.parent.is_dir():
        raise InputError(
            _("--output: the folder %(folder)s does not exist.") % {"folder": args.output.parent}
        )
    scope = ReportScope(start, end, jurisdiction, args.facility, args.agency)
    locale = args.locale or settings.i18n.default_locale
    return ReportRequest(scope, args.format, args.output, args.bom, locale)


async def render(
    request: ReportRequest, report: ComplianceReport, settings: Settings, warnings: list[str]
) -> bytes:
    """The report in the requested format, as the bytes to write; what the user should know
    about it (a broken audit trail) goes to ``warnings``."""
    from app.presentation import compliance_export

    if request.format == "json":
        text = json.dumps(compliance_export.report_json(report), ensure_ascii=False, indent=2)
        return (text + "\n").encode("utf-8")
    if request.format == "csv":
        return compliance_export.report_csv(report, request.locale, bom=request.bom).encode("utf-8")
    from app.audit.verify import CheckpointError, run_verification

    try:
        outcome: Outcome | None = (await run_verification(None, settings.data_dir))[0]
    except CheckpointError as exc:  # the report says the check could not be run
        outcome = None
        warnings.append(str(exc))
    if outcome is not None and not outcome.ok:
        warnings.append(outcome.line())
    html = compliance_export.render_report_html(
        report, request.locale, outcome, zone=settings.i18n.timezone
    )
    return html.encode("utf-8")


async def refresh_with_progress(
    progress: Progress, settings: Settings, *, all_cases: bool = False
) -> int:
    """Re-judge the changed cases (every case with ``all_cases``) by the configured legal
    policies, showing how far it got."""
    from rights_checklist import ledger

    law = Law.from_settings(settings.legal)
    if all_cases:
        progress.step(_("Re-judging every case"))
        return await ledger.refresh_ledger(law, all_cases=True, on_progress=progress.update)
    progress.step(_("Re-judging the cases changed since last judged"))
    return await ledger.refresh_ledger(law, on_progress=progress.update)


def _write(data: bytes, output: Path | None) -> None:
    if output is not None:
        output.write_bytes(data)
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _fail(message: str, code: int = 2) -> int:
    print(f"lawmeet: {message}", file=sys.stderr)
    return code


async def run_report(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0 with the report written, 2 on bad input (nothing written)."""
    current_locale.set(args.locale or settings.i18n.default_locale)
    try:
        request = await read_request(args, settings)
    except InputError as exc:
        return _fail(str(exc))
    from app.cli.progress import progress_for
    from rights_checklist.compliance import compliance_report

    warnings: list[str] = []
    with progress_for(sys.stderr, args.quiet) as progress:
        await refresh_with_progress(progress, settings)
        progress.step(_("Computing the figures"))
        report = await compliance_report(request.scope, refresh_by=None)
        progress.step(_("Writing the report"))
        try:
            data = await render(request, report, settings, warnings)
            if request.output is not None:
                _write(data, request.output)
        except OSError as exc:
            return _fail(str(exc))
    for warning in warnings:  # after the bar has stopped drawing, as the output below
        print(f"lawmeet: {warning}", file=sys.stderr)
    if request.output is None:
        _write(data, None)
    return 0


async def run_duties(args: argparse.Namespace, settings: Settings) -> int:
    from app.cli.progress import progress_for

    current_locale.set(settings.i18n.default_locale)
    with progress_for(sys.stderr, args.quiet) as progress:
        count = await refresh_with_progress(progress, settings, all_cases=args.all)
    print(_("Cases re-judged: %(count)s") % {"count": count})
    return 0
