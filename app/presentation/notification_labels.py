"""Texts for notification preferences, opt-outs, fallbacks and escalations (extracted by babel)."""

from __future__ import annotations


def _(message: str) -> str:
    return message


NOTIFICATION_MESSAGES: dict[str, str] = {
    "language_unknown": _("Choose one of the offered languages."),
    "escalation_note_required": _("Say what was done about it."),
    "escalation_note_too_long": _("The note may have at most 300 characters."),
    "escalation_resolved": _("This escalation is already resolved."),
}

CHANNEL_LABELS: dict[str, str] = {
    "email": _("E-mail"),
    "sms": _("SMS"),
    "inapp": _("Inbox"),
    "console": _("Console"),
}

FALLBACK_REASONS: dict[str, str] = {
    "preference": _("the recipient turned this channel off"),
    "opted_out": _("the number replied STOP (opted out of SMS)"),
    "no_address": _("no address is known for this channel"),
}

ESCALATION_REASONS: dict[str, str] = {
    "dead": _("Could not be delivered"),
    "overdue": _("Not sent by its deadline"),
}

JINJA_LABELS = {
    "CHANNEL_LABELS": CHANNEL_LABELS,
    "FALLBACK_REASONS": FALLBACK_REASONS,
    "ESCALATION_REASONS": ESCALATION_REASONS,
}
