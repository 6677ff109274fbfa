"""Server-side sessions with idle and absolute timeouts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app import clock
from app.accounts.models import Session, User
from app.accounts.secrets import digest, new_token
from app.settings import SessionSection

# Refresh last_seen_at at most this often, so reads do not turn into writes.
_TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class ActiveSession:
    session: Session
    user: User


async def start_session(user: User, address: str, user_agent: str) -> str:
    """Create a session and return the raw id for the cookie (only its digest is stored)."""
    raw = new_token(16)
    now = clock.now()
    await Session.create(
        id_hash=digest(raw),
        user=user,
        created_at=now,
        last_seen_at=now,
        address=address[:64],
        user_agent=user_agent[:300],
    )
    return raw


def _expired(session: Session, rules: SessionSection, now: datetime) -> bool:
    idle = now - session.last_seen_at > timedelta(minutes=rules.idle_timeout_minutes)
    absolute = now - session.created_at > timedelta(hours=rules.absolute_timeout_hours)
    return idle or absolute


async def load_session(raw: str, rules: SessionSection) -> ActiveSession | None:
    if not raw or len(raw) > 64:
        return None
    session = await Session.get_or_none(id_hash=digest(raw)).select_related("user")
    if session is None:
        return None
    now = clock.now()
    if _expired(session, rules, now) or not session.user.is_active:
        await session.delete()
        return None
    if now - session.last_seen_at > _TOUCH_INTERVAL:
        await Session.filter(id_hash=session.id_hash).update(last_seen_at=now)
    return ActiveSession(session=session, user=session.user)


async def end_session(raw: str) -> None:
    if raw:
        await Session.filter(id_hash=digest(raw)).delete()


async def end_all_sessions(user: User) -> int:
    return await Session.filter(user_id=user.id).delete()


async def purge_expired(rules: SessionSection) -> int:
    now = clock.now()
    idle_cutoff = now - timedelta(minutes=rules.idle_timeout_minutes)
    absolute_cutoff = now - timedelta(hours=rules.absolute_timeout_hours)
    stale = await Session.filter(last_seen_at__lt=idle_cutoff).delete()
    return stale + await Session.filter(created_at__lt=absolute_cutoff).delete()
