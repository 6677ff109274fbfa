"""API tokens: shown once at creation, stored as a digest, revocable, last use recorded.

Every API request checks its token, so the check is one statement: the token and its user in
one join, written as SQL once (Tortoise would build the joined query anew on every request),
the user made into a model by Tortoise's own row loader. ``last_used_at`` is only written
when the stored value is more than a minute old: at most one UPDATE per token and minute, so
"last used" is accurate to a minute and a busy client does not write on every request.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from typing import Any

from app import clock
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
    client = ApiToken._meta.db
    postgres = client.capabilities.dialect == "postgres"
    rows = (await client.execute_query(_lookup(postgres), [digest(raw)]))[1]
    if not rows:
        return None
    row: dict[str, Any] = dict(rows[0])
    token_id, last_used = row.pop("lm_token_id"), row.pop("lm_token_last_used_at")
    user = User._init_from_db(**row)
    if not user.is_active:
        return None
    now = clock.now()
    if last_used is not None:
        last_used = ApiToken._meta.fields_map["last_used_at"].to_python_value(last_used)
    if last_used is None or now - last_used > _LAST_USED_RESOLUTION:
        await ApiToken.filter(id=token_id).update(last_used_at=now)
    return user


@cache
def _lookup(postgres: bool) -> str:
    """The token's id and last use, and every column of its user (under its own name)."""
    columns = ", ".join(f'u."{column}"' for column in User._meta.db_fields)
    placeholder = "$1" if postgres else "?"
    return (
        f"SELECT t.id AS lm_token_id, t.last_used_at AS lm_token_last_used_at, {columns} "  # noqa: S608 - fixed column names
        f"FROM {ApiToken._meta.db_table} AS t JOIN {User._meta.db_table} AS u ON u.id = t.user_id "
        f"WHERE t.token_hash = {placeholder} AND t.revoked_at IS NULL"
    )


async def revoke_token(user: User, token_id: int) -> bool:
    count = await ApiToken.filter(id=token_id, user_id=user.id, revoked_at=None).update(
        revoked_at=clock.now()
    )
    return count > 0
