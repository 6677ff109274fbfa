"""One in-app notice as the inbox page and the API show it: rendered in its own language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from notifications.models import Notification
from notifications.rendering import RenderError, language_for, render


@dataclass(frozen=True)
class InboxEntry:
    id: int
    subject: str
    text: str
    created_at: datetime
    read: bool
    language: str = "zh-CN"  # the notice's own language (its recipient's), marked on the page


def entry(row: Notification) -> InboxEntry:
    try:
        message = render(row.template, row.language, row.payload)
        subject, text = message.subject, message.text
    except RenderError:  # a template removed since: still show that a notice was there
        subject, text = row.template, ""
    read = row.read_at is not None
    return InboxEntry(row.id, subject, text, row.created_at, read, language_for(row.language))
