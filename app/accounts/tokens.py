"""API tokens: shown once at creation, stored as a digest, revocable, last use recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.accounts.models import ApiToken, User
from app.accounts.secrets import digest, new_token

TOKEN_PREFIX = "lm_"  # noqa: S105 - a public marker, not a secret
_LAST_USED_RESOLUTION = timedelta(minutes=1)


async def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    raw = TOKEN_PREFIX + new_token(32)
    token = await ApiToken.create(
        user=user, name=name.strip()[:100], token_hash=digest(raw), prefix=raw[:10]
    )
    return token, raw


async def authenticate_token(raw: str) -> User | None:
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 80:
        return None
    token = await ApiToken.get_or_none(token_hash=digest(raw), revoked_at=None).select_related(
        "user"
    )
    if token is None or not token.user.is_active:
        return None
    now = datetime.now(UTC)
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        await ApiToken.filter(id=token.id).update(last_used_at=now)
    return token.user


async def revoke_token(user: User, token_id: int) -> bool:
    count = await ApiToken.filter(id=token_id, user_id=user.id, revoked_at=None).update(
        revoked_at=datetime.now(UTC)
    )
    return count > 0
