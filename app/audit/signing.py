"""Signed tree heads of the audit log, in the checkpoint format transparency logs use.

A checkpoint is a C2SP signed note (https://c2sp.org/signed-note, https://c2sp.org/tlog-
checkpoint): the log's origin, its tree size, its root hash (base64) and the time, one per
line, then a blank line and one signature line per key: "— <key name> <base64(key id ||
Ed25519 signature)>", where the key id is the first 4 bytes of SHA-256(name || "\\n" || 0x01 ||
public key). Anyone holding the public key can check a copy offline; a witness (a bar
association) keeps its copies, and a log rewritten later no longer extends them.

The private key lives in a file outside the database, so whoever can write the database still
cannot sign a tree head.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519 = b"\x01"  # the signed-note signature type of Ed25519
DASH = "\u2014"  # signature lines start with an em dash and a space


class NoteError(ValueError):
    """A checkpoint note that cannot be read, or whose signature does not verify."""


@dataclass(frozen=True)
class TreeHead:
    origin: str
    size: int
    root: bytes
    at: datetime

    def body(self) -> str:
        """The signed text: origin, size, root, time, each on its own line."""
        stamp = self.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        root = base64.b64encode(self.root).decode()
        return f"{self.origin}\n{self.size}\n{root}\ntime {stamp}\n"


@dataclass(frozen=True)
class PublicKey:
    name: str
    key: Ed25519PublicKey

    @property
    def raw(self) -> bytes:
        return self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def key_id(self) -> bytes:
        return hashlib.sha256(self.name.encode() + b"\n" + ED25519 + self.raw).digest()[:4]

    def verifier(self) -> str:
        """The signed-note verifier key: "<name>+<key id hex>+<base64(0x01 || key)>"."""
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(ED25519 + self.raw).decode()}"

    @classmethod
    def from_verifier(cls, text: str) -> PublicKey:
        try:
            # The name holds no "+"; the base64 key data may.
            name, key_id, encoded = text.strip().split("+", 2)
            raw = base64.b64decode(encoded, validate=True)
            if raw[:1] != ED25519 or len(raw) != 33:
                raise NoteError("not an Ed25519 verifier key")
            key = cls(name, Ed25519PublicKey.from_public_bytes(raw[1:]))
        except (ValueError, TypeError) as exc:
            raise NoteError(f"not a verifier key: {exc}") from None
        if key.key_id.hex() != key_id:
            raise NoteError("the verifier key's id does not match its key")
        return key


@dataclass(frozen=True)
class SigningKey:
    name: str
    key: Ed25519PrivateKey

    @property
    def public(self) -> PublicKey:
        return PublicKey(self.name, self.key.public_key())

    def sign(self, head: TreeHead) -> str:
        """The checkpoint note of ``head``, signed."""
        body = head.body()
        signature = self.key.sign(body.encode())
        stamp = base64.b64encode(self.public.key_id + signature).decode()
        return f"{body}\n{DASH} {self.name} {stamp}\n"


NAME_LINE = "lawmeet-audit-key-name: "


def generate(path: Path, name: str) -> SigningKey:
    """A new key written to ``path`` (PKCS#8 PEM, readable by its owner only); never over an
    existing file, whose checkpoints would otherwise no longer verify.

    The file starts with the key's name: the name is part of the key id witnesses check, so it
    stays with the key whatever the settings later say."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(f"{NAME_LINE}{name}\n".encode() + pem)
    return SigningKey(name, key)


def load(path: Path, name: str = "") -> SigningKey:
    """The key in ``path``, under the name written with it (``name`` for a bare PEM file)."""
    data = path.read_bytes()
    if data.startswith(NAME_LINE.encode()):
        first, _newline, data = data.partition(b"\n")
        name = first.decode()[len(NAME_LINE) :]
    if not name:
        raise NoteError(f"{path}: the key has no name")
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise NoteError(f"{path}: not an Ed25519 private key")
    return SigningKey(name, key)


def read_note(text: str, public: PublicKey) -> TreeHead:
    """The tree head of a checkpoint note whose signature by ``public`` verifies."""
    body, separator, signatures = text.partition("\n\n")
    if not separator:
        raise NoteError("no signature lines")
    lines = body.split("\n")
    if len(lines) < 4 or not lines[3].startswith("time "):
        raise NoteError("not a lawmeet checkpoint: origin, size, root and time expected")
    try:
        size = int(lines[1])
        root = base64.b64decode(lines[2], validate=True)
        at = datetime.strptime(lines[3][5:], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError as exc:
        raise NoteError(f"not a checkpoint: {exc}") from None
    if size < 0 or len(root) != 32:
        raise NoteError("not a checkpoint: bad size or root")
    signed = (body + "\n").encode()
    for line in signatures.strip("\n").split("\n"):
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != DASH or parts[1] != public.name:
            continue
        try:
            blob = base64.b64decode(parts[2], validate=True)
        except ValueError:
            continue
        if blob[:4] != public.key_id:
            continue
        try:
            public.key.verify(blob[4:], signed)
        except InvalidSignature:
            raise NoteError("the signature does not verify: the note was altered") from None
        return TreeHead(lines[0], size, root, at)
    raise NoteError(f"not signed by the key {public.name}")
