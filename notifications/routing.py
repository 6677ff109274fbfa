"""Which channel a notice really goes by: the user's choices, SMS opt-outs, statutory fallback.

Pure: the caller looks the facts up (preferences, opt-out, addresses) and writes the outcome.
- Non-statutory notices go only by the channels the user kept on and never to an opted-out
  number: such a row is written `cancelled`, with the reason, so the skip stays visible.
- Statutory notices (a duty id) always go out. A channel the user turned off, an opted-out
  number or a missing address sends them by the other channel (e-mail <-> SMS), and the row's
  payload says so under `fallback`. With no other channel: a turned-off channel is used anyway
  (the law outranks the preference); an opted-out number cannot be used at all, so the row is
  written `dead` and the escalation sweep reports it to the responsible unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from notifications.kinds import Channel

PREFERENCE = "preference"
OPTED_OUT = "opted_out"
NO_ADDRESS = "no_address"
_OTHER = {Channel.EMAIL: Channel.SMS, Channel.SMS: Channel.EMAIL}


@dataclass(frozen=True)
class Facts:
    """What is known about the recipient when the notice is written."""

    email_on: bool = True
    sms_on: bool = True
    email: str = ""
    phone: str = ""
    phone_opted_out: bool = False


@dataclass(frozen=True)
class Route:
    channel: Channel
    address: str
    cancelled: str = ""  # non-statutory, not sent: why
    dead: str = ""  # statutory, no channel can carry it: why
    fallback: dict[str, Any] | None = None  # recorded in the payload


def normalise_phone(number: str) -> str:
    """E.164 as Twilio sends it: a mainland mobile typed as 11 digits gains +86."""
    digits = re.sub(r"[^0-9]", "", number)
    if not digits:
        return ""
    if not number.strip().startswith("+") and len(digits) == 11 and digits.startswith("1"):
        return "+86" + digits
    return "+" + digits


def _blocked(channel: Channel, facts: Facts, address: str) -> str:
    if channel == Channel.SMS and facts.phone_opted_out:
        return OPTED_OUT
    if (channel == Channel.EMAIL and not facts.email_on) or (
        channel == Channel.SMS and not facts.sms_on
    ):
        return PREFERENCE
    return "" if address else NO_ADDRESS


def route(channel: Channel, address: str, facts: Facts, *, statutory: bool) -> Route:
    """Decide the channel for one notice asked for on `channel` (address: the one to use)."""
    if channel not in _OTHER:
        return Route(channel, address)  # the inbox and the console always receive
    reason = _blocked(channel, facts, address)
    if not reason:
        return Route(channel, address)
    if not statutory:
        return Route(channel, address, cancelled=reason)
    other = _OTHER[channel]
    other_address = facts.email if other == Channel.EMAIL else facts.phone
    if not _blocked(other, facts, other_address):
        fallback = {"from": channel.value, "to": other.value, "reason": reason}
        return Route(other, other_address, fallback=fallback)
    if reason == PREFERENCE:
        fallback = {"from": channel.value, "to": channel.value, "reason": reason}
        return Route(channel, address, fallback=fallback)
    # Opted out (or no address) and no other channel: nothing can carry it.
    return Route(channel, address, dead=reason)
