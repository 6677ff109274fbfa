"""Account changes that owe the user a notice, done together with the notice.

The foundation (`app.accounts`) must not import notifications, so the entry points call these
instead of the bare account service: the change and its notice share one transaction. This is
more explicit than an event hook registered at start-up, which every entry point (web, API,
CLI, tests) would have to remember to install before the first change.
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from app.accounts.models import User
from app.accounts.verification import refuse_lawyer, verify_lawyer
from notifications.kinds import Channel
from notifications.services import notify_user


async def verify_lawyer_and_notify(actor: User, lawyer: User, public_url: str) -> User:
    async with in_transaction():
        verified = await verify_lawyer(actor, lawyer)
        payload = {
            "display_name": verified.display_name,
            "licence_number": verified.licence_number or "",
            "url": public_url + "/",
        }
        await notify_user(verified, "account_verified", payload)
    return verified


async def refuse_lawyer_and_notify(actor: User, lawyer: User, reason: str, public_url: str) -> User:
    """Refuse the registration and tell the lawyer why, by e-mail and SMS: a refused account
    cannot sign in to read an inbox."""
    async with in_transaction():
        refused = await refuse_lawyer(actor, lawyer, reason)
        payload = {
            "display_name": refused.display_name,
            "licence_number": refused.licence_number or "",
            "reason": refused.refusal_reason,
            "url": public_url + "/register",
        }
        await notify_user(refused, "account_refused", payload, (Channel.EMAIL, Channel.SMS))
    return refused
