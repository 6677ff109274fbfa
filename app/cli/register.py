"""`lawmeet register import FILE --bar ID`: import a bar association's register of lawyers
from a terminal, printing what each line did (the same service as the verification page)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.accounts.register_import import import_register
from app.errors import DomainError
from app.orgs.models import BarAssociation


def add_parser(sub: Any) -> None:
    register = sub.add_parser("register", help="import a bar association's register of lawyers")
    actions = register.add_subparsers(dest="register_command", required=True, metavar="ACTION")
    load = actions.add_parser("import", help="import a register CSV (the whole register)")
    load.add_argument("file", type=Path, help="CSV: 执业证号, 姓名, 执业机构, 执业状态")
    load.add_argument("--bar", required=True, help="the bar association's id or exact name")


async def _bar(named: str) -> BarAssociation | None:
    if named.isdigit():
        return await BarAssociation.get_or_none(id=int(named))
    return await BarAssociation.get_or_none(name=named)


async def run(args: argparse.Namespace) -> int:
    bar = await _bar(args.bar)
    if bar is None:
        print(f"lawmeet: no bar association {args.bar!r}", file=sys.stderr)
        return 1
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"lawmeet: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    try:
        report = await import_register(None, bar, data)
    except DomainError as exc:
        facts = getattr(exc, "extensions", {})
        print(f"lawmeet: register not imported: {exc.code} {facts or ''}".rstrip(),
              file=sys.stderr)  # fmt: skip
        return 2
    for line in report.lines:
        detail = ", ".join(line.detail)
        print(f"line {line.line:>5}  {line.licence_number or '-':<17}  {line.outcome:<9}  {detail}")
    for number in report.removed:
        print(f"removed     {number}")
    for flag in report.flagged:
        print(f"flagged     {flag.licence_number}  {flag.display_name}  {flag.flag}")
    print(" ".join(f"{name}={count}" for name, count in report.counts.items()))
    return 0
