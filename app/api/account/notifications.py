"""The /api/v1 twins of the inbox and of the notifications admin page."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.accounts.models import User
from app.accounts.policy import Action, NotFound
from app.api.fields import whole
from app.api.framework import Endpoint
from app.presentation.inbox import entry
from notifications import services


class InboxItemOut(BaseModel):
    id: int
    subject: str
    text: str
    created_at: datetime
    read: bool


MAX_OFFSET = 1_000_000  # more notices than anyone keeps; a larger offset is a mistake


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit: whole(1, 100) = Field(services.INBOX_PAGE, description="Notices per page")  # type: ignore[valid-type]
    offset: whole(0, MAX_OFFSET) = Field(0, description="Notices to skip, newest first")  # type: ignore[valid-type]


class MarkedOut(BaseModel):
    marked: int


class NotificationOut(BaseModel):
    id: int
    template: str
    channel: str
    address: str
    status: str
    attempts: int
    last_error: str
    created_at: datetime
    next_attempt_at: datetime


async def list_inbox(user: User, query: PageQuery) -> list[InboxItemOut]:
    rows = await services.inbox(user.id, limit=query.limit, offset=query.offset)
    return [InboxItemOut(**vars(entry(row))) for row in rows]


async def mark_inbox_item_read(user: User, notification_id: int) -> MarkedOut:
    return MarkedOut(marked=await services.mark_read(user.id, notification_id))


async def mark_inbox_read(user: User) -> MarkedOut:
    return MarkedOut(marked=await services.mark_read(user.id))


async def list_troubled(user: User) -> list[NotificationOut]:
    return [
        NotificationOut.model_validate(row, from_attributes=True)
        for row in await services.troubled()
    ]


async def retry_notification(user: User, notification_id: int) -> MarkedOut:
    if not await services.retry(user, notification_id):
        raise NotFound("notification")
    return MarkedOut(marked=1)


NOTIFICATION_ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "GET",
        "/api/v1/inbox",
        list_inbox,
        "My in-app notices, newest first, a page at a time (limit/offset)",
        "notifications",
        Action.VIEW_INBOX,
        query=PageQuery,
        response=InboxItemOut,
        list_response=True,
    ),
    Endpoint(
        "POST",
        "/api/v1/inbox/read",
        mark_inbox_read,
        "Mark all my notices read",
        "notifications",
        Action.VIEW_INBOX,
        response=MarkedOut,
    ),
    Endpoint(
        "POST",
        "/api/v1/inbox/{notification_id:int}/read",
        mark_inbox_item_read,
        "Mark one of my notices read (marked: 0 when it was read already or is not mine)",
        "notifications",
        Action.VIEW_INBOX,
        response=MarkedOut,
    ),
    Endpoint(
        "GET",
        "/api/v1/notifications/troubled",
        list_troubled,
        "Failed and dead notifications, most recent first",
        "notifications",
        Action.MANAGE_NOTIFICATIONS,
        response=NotificationOut,
        list_response=True,
    ),
    Endpoint(
        "POST",
        "/api/v1/notifications/{notification_id:int}/retry",
        retry_notification,
        "Queue a failed or dead notification again, due now",
        "notifications",
        Action.MANAGE_NOTIFICATIONS,
        response=MarkedOut,
        errors=(404,),
    ),
]
