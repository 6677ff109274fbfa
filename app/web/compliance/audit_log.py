"""The signed audit log's public face: the latest signed tree head and the verifier key, as
plain text at stable addresses and without login, so a witness (a bar association) can fetch
and keep its own copies."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from app.accounts.policy import NotFound
from app.audit import checkpoints, signing


def public_key(request: Request) -> signing.PublicKey | None:
    """The verifier of the configured signing key; None until `lawmeet audit keygen` ran."""
    settings = request.app.state.settings
    path = settings.audit_key_path
    try:
        changed = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    return _verifier(path, changed, settings.audit_origin)


@lru_cache(maxsize=4)
def _verifier(path: Path, changed: int, origin: str) -> signing.PublicKey:
    # Read once per version of the key file, not on every page that shows the key.
    return signing.load(path, origin).public


async def latest_checkpoint(request: Request) -> Response:
    latest = await checkpoints.latest()
    if latest is None:
        raise NotFound("checkpoint")
    return PlainTextResponse(latest.note, headers={"Cache-Control": "no-cache"})


async def verifier_key(request: Request) -> Response:
    key = public_key(request)
    if key is None:
        raise NotFound("key")
    return PlainTextResponse(key.verifier() + "\n")


routes = [
    Route("/audit/checkpoint", latest_checkpoint, methods=["GET"]),
    Route("/audit/public-key", verifier_key, methods=["GET"]),
]
