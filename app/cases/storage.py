"""Document storage: type checked by extension, magic bytes and a full parse of the content
(app.cases.file_inspection), content-addressed by SHA-256.

Every check runs before anything is written, so a refused upload leaves the store as it was.
Files live under <data_dir>/documents, outside any served folder, under names the server makes
from the hash; the uploaded file name is kept only as a label and never touches the path.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from app.cases.file_inspection import Limits, inspect, limits_for
from app.cases.file_inspection import UploadRejected as UploadRejected

_SHA = re.compile(r"^[0-9a-f]{64}$")

# extension -> (content type, leading bytes that file type must start with)
ACCEPTED: dict[str, tuple[str, bytes]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
}


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    content_type: str
    label: str


def safe_label(filename: str) -> str:
    """A display name without any folder part or control characters."""
    name = PurePosixPath(filename.replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')
    return name[:200] or "document"


def check_type(filename: str, data: bytes, limits: Limits | None = None) -> str:
    extension = PurePosixPath(filename.lower()).suffix
    if extension not in ACCEPTED:
        raise UploadRejected("document_type", 415)
    content_type, magic = ACCEPTED[extension]
    if not data.startswith(magic):
        raise UploadRejected("document_content_mismatch", 415)
    inspect(content_type, data, limits)
    return content_type


def document_root(data_dir: Path) -> Path:
    return data_dir / "documents"


def path_for(root: Path, sha256: str) -> Path:
    if not _SHA.match(sha256):
        raise ValueError("not a SHA-256 digest")
    return root / sha256[:2] / sha256


def check_file(filename: str, data: bytes, max_bytes: int) -> str:
    """The content type of a file that may be stored, or UploadRejected saying why not."""
    if len(data) > max_bytes:
        raise UploadRejected("document_too_large", 413)
    if not data:
        raise UploadRejected("document_empty", 400)
    return check_type(filename, data, limits_for(max_bytes))


def store(root: Path, filename: str, data: bytes, max_bytes: int) -> StoredFile:
    """Check the file, then write it: a refused file leaves the store as it was."""
    return save(root, filename, data, check_file(filename, data, max_bytes))


def save(root: Path, filename: str, data: bytes, content_type: str) -> StoredFile:
    """Write a file that check_file has passed (for callers that check several first)."""
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(root, digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(data)
        temporary.replace(target)  # atomic: a reader never sees half a file
    return StoredFile(digest, len(data), content_type, safe_label(filename))
