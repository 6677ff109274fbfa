"""One in-app notice as the inbox page and the API show it: rendered in its own language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from notifications.models import Notification
from notifications.rendering import RenderError, render


@dataclass(frozen=True)
class InboxEntry:
    id: int
    subject: str
    text: str
    created_at: datetime
    read: bool


def entry(row: Notification) -> InboxEntry:
    try:
        message = render(row.template, row.language, row.payload)
        subject, text = message.subject, message.text
    except RenderError:  # a template removed since: still show that a notice was there
        subject, text = row.template, ""
    return InboxEntry(row.id, subject, text, row.created_at, row.read_at is not None)
