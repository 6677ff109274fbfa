"""Random identifiers and their stored digests."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token(nbytes: int = 16) -> str:
    """A URL-safe random value; 16 bytes = 128 bits, the session-id strength."""
    return secrets.token_urlsafe(nbytes)


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def keyed_digest(secret_key: str, *parts: str) -> str:
    message = "\x1f".join(parts).encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
