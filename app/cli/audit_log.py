"""`lawmeet audit keygen|sign|public-key|checkpoints export|verify --witness`: the signed log.

The key that signs tree heads is a file named in settings ([audit] signing_key_file), outside
the database; its public half is all a witness needs to check a checkpoint, offline.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.audit import checkpoints, signing
from app.audit.models import AuditCheckpoint
from app.audit.receipt import ReceiptError, check, read
from app.presentation.messages import message
from app.settings import Settings

KEY_NAME_HELP = "the key's name in signatures (default: the log's origin)"


def add_actions(actions: Any) -> None:
    keygen = actions.add_parser(
        "keygen", help="make the Ed25519 key that signs tree heads (never over an existing one)"
    )
    keygen.add_argument("--output", type=Path, help="key file (default: [audit] signing_key_file)")
    actions.add_parser("sign", help="sign the tree head now, if the log grew since the last one")
    actions.add_parser("public-key", help="print the verifier key witnesses check checkpoints with")
    receipt = actions.add_parser(
        "verify-receipt", help="check a receipt file with the public key alone (no database)"
    )
    receipt.add_argument("file", type=Path)
    receipt.add_argument(
        "--public-key", help="the log's verifier key (default: the signing key's, from settings)"
    )
    listing = actions.add_parser("checkpoints", help="the signed tree heads")
    listing.add_argument("checkpoints_command", choices=["export"])
    listing.add_argument("--output", type=Path, required=True, help="folder to write them to")


def _error(text: str, code: int) -> int:
    print(f"lawmeet: {text}", file=sys.stderr)
    return code


def signing_key(settings: Settings) -> signing.SigningKey:
    path = settings.audit_key_path
    if not path.exists():
        raise FileNotFoundError(f"no signing key at {path}: make one with `lawmeet audit keygen`")
    return signing.load(path, settings.audit_origin)


def note_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.txt")) if folder.is_dir() else []


async def sign(settings: Settings) -> int:
    """Sign the tree head now (`lawmeet audit sign`, and after `lawmeet audit checkpoint`)."""
    try:
        signed = await checkpoints.sign_tree_head(signing_key(settings))
    except checkpoints.LogRewritten as exc:
        return _error(f"not signed: {exc}", 1)
    print(signed.note if signed else "the log has not grown since the last signed tree head")
    return 0


async def run(args: argparse.Namespace, settings: Settings) -> int | None:
    """The signed-log actions; None for an action that is not one of them."""
    if args.audit_command == "keygen":
        path = args.output or settings.audit_key_path
        if path.exists():
            return _error(f"{path} exists: its checkpoints would no longer verify", 2)
        key = signing.generate(path, settings.audit_origin)
        print(f"key written to {path}\n{key.public.verifier()}")
        return 0
    if args.audit_command == "public-key":
        print(signing_key(settings).public.verifier())
        return 0
    if args.audit_command == "sign":
        return await sign(settings)
    if args.audit_command == "checkpoints":
        args.output.mkdir(parents=True, exist_ok=True)
        count = 0
        async for row in AuditCheckpoint.all().order_by("id"):
            (args.output / f"checkpoint-{row.size:012d}-{row.id}.txt").write_text(row.note)
            count += 1
        print(f"{count} checkpoints written to {args.output}")
        return 0
    return None


def verify_receipt(path: Path, settings: Settings, public_key: str | None) -> int:
    """What a receipt proves, in words, or why it proves nothing: offline, no database."""
    try:
        public = (
            signing.PublicKey.from_verifier(public_key)
            if public_key
            else signing_key(settings).public
        )
        text = path.read_text(encoding="utf-8")
    except (signing.NoteError, OSError) as exc:
        return _error(f"{path}: {exc}", 2)
    try:
        proven = check(read(text), public)
    except ReceiptError as refused:
        print(f"not proven: {message(refused.code)}")
        return 1
    entry, head = proven.entry, proven.head
    print(
        f"proven: entry {entry.seq} ({entry.action} {entry.object_type} {entry.object_id}, "
        f"{entry.at.isoformat()}), content hash {proven.chain_hash}, was in the log "
        f"{head.origin} signed at {head.at.isoformat()} with {head.size} entries"
    )
    return 0


async def verify_witness(folder: Path, settings: Settings, public_key: str | None) -> int:
    """Check that today's log extends every checkpoint a witness keeps in ``folder``."""
    public = (
        signing.PublicKey.from_verifier(public_key) if public_key else signing_key(settings).public
    )
    heads = []
    for path in note_files(folder):
        try:
            heads.append(signing.read_note(path.read_text(encoding="utf-8"), public))
        except signing.NoteError as exc:
            return _error(f"{path.name}: {exc}", 1)
    if not heads:
        return _error(f"no checkpoints (*.txt) in {folder}", 2)
    finding = await checkpoints.check_witness(heads)
    if finding.ok:
        print(
            f"ok: the log ({finding.log_size} entries) extends all {finding.checked} "
            "witnessed checkpoints"
        )
        return 0
    what = "is shorter than" if finding.truncated else "no longer matches"
    print(
        f"broken: the log {what} the witnessed checkpoint of size {finding.failed_size}; "
        f"entries {finding.good_size + 1} to {finding.failed_size} were changed"
        + (f", the first at seq {finding.first_bad_seq}" if finding.first_bad_seq else "")
    )
    return 1
