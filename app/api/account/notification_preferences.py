"""/api/v1 twins of the notification settings page and of the escalations page."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.accounts.models import User
from app.accounts.policy import Action
from app.accounts.scopes import visible_row
from app.api.fields import Flag
from app.api.framework import Endpoint
from notifications import escalation, preferences
from notifications.models import Escalation


class PreferencesOut(BaseModel):
    email: bool
    sms: bool
    language: str = Field(description="zh-CN or en")
    sms_opted_out: bool = Field(description="The user's number replied STOP (退订)")


class PreferencesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Flag
    sms: Flag
    language: Literal["zh-CN", "en"]


class EscalationQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    open: Flag = Field(True, description="Only escalations not yet resolved")


class EscalationOut(BaseModel):
    id: int
    reason: str = Field(description="dead or overdue")
    notification_id: int
    duty_id: str | None
    deadline: datetime | None
    channel: str
    notification_status: str
    last_error: str
    case_id: int | None
    agency_id: int | None
    facility_id: int | None
    raised_at: datetime
    resolved_at: datetime | None
    resolution: str


class ResolveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(max_length=300, description="What was done about it (required)")


async def _out(user: User) -> PreferencesOut:
    choice = await preferences.choice_for(user.id, user.locale)
    opted = bool(user.phone) and await preferences.opted_out(user.phone)
    return PreferencesOut(
        email=choice.email, sms=choice.sms, language=choice.language, sms_opted_out=opted
    )


async def get_preferences(user: User) -> PreferencesOut:
    return await _out(user)


async def put_preferences(user: User, body: PreferencesIn) -> PreferencesOut:
    await preferences.save_choice(user, email=body.email, sms=body.sms, language=body.language)
    return await _out(user)


def present(row: Escalation) -> EscalationOut:
    n = row.notification
    return EscalationOut(
        id=row.id,
        reason=row.reason,
        notification_id=row.notification_id,
        duty_id=n.duty_id,
        deadline=n.deadline,
        channel=n.channel.value,
        notification_status=n.status.value,
        last_error=n.last_error,
        case_id=row.case_id,
        agency_id=row.agency_id,
        facility_id=row.facility_id,
        raised_at=row.raised_at,
        resolved_at=row.resolved_at,
        resolution=row.resolution,
    )


async def list_escalations(user: User, query: EscalationQuery) -> list[EscalationOut]:
    return [present(row) for row in await escalation.listing(user, open_only=query.open)]


async def resolve_escalation(user: User, escalation_id: int, body: ResolveIn) -> EscalationOut:
    found = await visible_row(Escalation, user, escalation_id)
    await escalation.resolve(user, found, body.note)
    await found.fetch_related("notification")
    return present(found)


PREFERENCE_ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "GET",
        "/api/v1/notification-preferences",
        get_preferences,
        "My notification channels and language, and whether my number opted out of SMS",
        "notifications",
        Action.MANAGE_NOTIFICATION_PREFERENCES,
        response=PreferencesOut,
    ),
    Endpoint(
        "PUT",
        "/api/v1/notification-preferences",
        put_preferences,
        "Set my notification channels and language (statutory notices still reach me)",
        "notifications",
        Action.MANAGE_NOTIFICATION_PREFERENCES,
        body=PreferencesIn,
        response=PreferencesOut,
    ),
    Endpoint(
        "GET",
        "/api/v1/escalations",
        list_escalations,
        "Escalated statutory notices of my unit (auditors: jurisdiction; admins: all)",
        "notifications",
        Action.VIEW_ESCALATIONS,
        query=EscalationQuery,
        response=EscalationOut,
        list_response=True,
    ),
    Endpoint(
        "POST",
        "/api/v1/escalations/{escalation_id:int}/resolve",
        resolve_escalation,
        "Resolve an escalation with a note saying what was done",
        "notifications",
        Action.RESOLVE_ESCALATIONS,
        body=ResolveIn,
        response=EscalationOut,
        errors=(404, 409),
    ),
]
