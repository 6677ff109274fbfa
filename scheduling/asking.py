"""Asking for a meeting: the one command the lawyer's form, the desk's walk-in form, the API and
any script build (M1, M2, M5, M6, M7; CPL 39(2), R2015 art. 7-10).

``ask_for_meeting`` checks, in this order: that the actor may see the engagement (else not
found), that only detention-centre staff record a walk-in, a past request time or documents
checked at the gate (M2); then, all at once, that no recorded time lies in the future, that each
preferred window ends in the future (the command itself states that a window ends after it
starts) and meets the facility's opening hours (a walk-in, at the desk already, is never refused
for the hours it asked for: M2), M6's assistant and that an interrogation room comes with the
lawyer's written consent (R2015 art. 7); then ``scheduling.requests.open_request`` applies the
rest (the three documents, M6's assistant, the purpose, the facility's lengths or a longer
length's reason, M5's permission and the 48-hour clock) and
``scheduling.document_checks.open_walk_in`` the gate check of a walk-in.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, Field, model_validator

from app import clock
from app.accounts.models import User
from app.accounts.roles import Role
from app.accounts.scopes import visible_row
from app.cases.kinds import DocumentKind
from app.cases.models import Engagement
from app.commands import Command, rule_error
from app.errors import DomainError, raise_all
from app.law.context import LegalContext
from scheduling import document_checks, plan_store, requests
from scheduling.availability import Interval, opening_hours
from scheduling.kinds import RequestPurpose, RoomKind
from scheduling.models import MeetingRequest

MAX_WINDOWS = 10
MAX_LENGTH_MINUTES = 24 * 60  # a facility's allowed lengths are checked by open_request


class PreferredWindow(Command):
    start: AwareDatetime
    end: AwareDatetime

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> PreferredWindow:
        if self.end <= self.start:
            raise rule_error("window_order")
        return self


class AskForMeeting(Command):
    """A lawyer's request to meet the client of ``engagement_id`` (or the desk's, for her)."""

    engagement_id: int = Field(ge=1)
    length_minutes: int = Field(60, ge=1, le=MAX_LENGTH_MINUTES)
    room_kind: RoomKind = RoomKind.IN_PERSON
    preferred_windows: tuple[PreferredWindow, ...] = Field((), max_length=MAX_WINDOWS)
    assistant_name: str = Field("", max_length=100)  # M6: one assistant, name and id number
    assistant_id_number: str = Field("", max_length=32)
    interpreter_needed: bool = False  # M7
    purpose: RequestPurpose = RequestPurpose.ORDINARY  # a priority meeting, or ordinary
    # A length beyond the facility's longest needs a reason (R2015 art. 7: lengths are no cap).
    longer_reason: str = Field("", max_length=2000)
    # R2015 art. 7: written consent to an interrogation room when lawyer rooms are short.
    interrogation_room_consent: bool = False
    # The desk's own: a walk-in (M2), when she asked if recorded afterwards, the gate check.
    walk_in: bool = False
    requested_at: AwareDatetime | None = None
    documents_presented: frozenset[DocumentKind] | None = None


async def ask_for_meeting(
    actor: User, command: AskForMeeting, legal: LegalContext
) -> MeetingRequest:
    """Open the request ``command`` describes, or raise DomainError naming the field at fault."""
    engagement = await visible_row(Engagement, actor, command.engagement_id)
    desk_only = _desk_only_fields(command)
    if desk_only and actor.role != Role.DETENTION_STAFF:
        raise DomainError("desk_only_field", field=desk_only[0])
    now = clock.now()
    problems = [
        DomainError("window_in_past", field=f"preferred_windows.{n}")
        for n, window in enumerate(command.preferred_windows)
        if window.end <= now
    ]
    if command.requested_at is not None and command.requested_at > now:
        problems.insert(0, DomainError("time_in_future", field="requested_at"))
    if not command.walk_in and command.documents_presented is None:
        problems.extend(await _outside_opening_hours(engagement, command, now))
    if command.room_kind == RoomKind.INTERROGATION and not command.interrogation_room_consent:
        problems.append(
            DomainError("interrogation_room_needs_consent", field="interrogation_room_consent")
        )
    try:  # M6 again in open_request; here too, so that a form shows it beside the others
        requests.assistant_rule(command.assistant_name, command.assistant_id_number)
    except DomainError as exc:
        problems.append(exc)
    raise_all(problems)  # every field at fault, at once
    new = requests.NewRequest(
        length_minutes=command.length_minutes,
        room_kind=command.room_kind,
        preferred_windows=[
            {"from": w.start.isoformat(), "to": w.end.isoformat()}
            for w in command.preferred_windows
        ],
        assistant_name=command.assistant_name.strip(),
        assistant_id_number=command.assistant_id_number.strip(),
        interpreter_needed=command.interpreter_needed,
        walk_in=command.walk_in,
        requested_at=command.requested_at,
        purpose=command.purpose,
        longer_reason=command.longer_reason,
        interrogation_room_consent_at=now if command.interrogation_room_consent else None,
    )
    if command.documents_presented is not None:  # a walk-in checked at the gate (story 2)
        return await document_checks.open_walk_in(
            actor, engagement, set(command.documents_presented), new,
            policies=legal.policies, calendar=legal.calendar,
        )  # fmt: skip
    return await requests.open_request(
        actor, engagement, new, policies=legal.policies, calendar=legal.calendar
    )


def _desk_only_fields(command: AskForMeeting) -> list[str]:
    given = {
        "walk_in": command.walk_in,
        "requested_at": command.requested_at is not None,
        "documents_presented": command.documents_presented is not None,
    }
    return [name for name, present in given.items() if present]


async def _outside_opening_hours(
    engagement: Engagement, command: AskForMeeting, now: datetime
) -> list[DomainError]:
    """An error at each preferred window (still to come) that lies wholly outside the facility's
    opening hours on its day(s), carrying those hours as facts for the words: ``day`` and
    ``opening_hours``, each ``{"from": "09:00", "to": "11:30"}`` on the facility's clock. A
    facility without any opening session has no hours to measure against."""
    windows = [(n, w) for n, w in enumerate(command.preferred_windows) if w.end > now]
    if not windows:
        return []
    await engagement.fetch_related("detainee__facility")
    facility = engagement.detainee.facility
    zone = ZoneInfo(facility.timezone)
    problems: list[DomainError] = []
    for n, window in windows:
        first = window.start.astimezone(zone).date()
        last = (window.end - timedelta(microseconds=1)).astimezone(zone).date()
        days = Interval(
            datetime.combine(first, time(0), tzinfo=zone),
            datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone),
        )
        plan = (await plan_store.load(facility, days)).whole
        if not plan.sessions or not plan.room_ids:
            return []
        hours = opening_hours(plan, days)
        if any(span.overlaps(Interval(window.start, window.end)) for span in hours):
            continue
        facts = {
            "day": first.isoformat(),
            "opening_hours": [
                {"from": f"{span.start.astimezone(zone):%H:%M}",
                 "to": _wall_end(span.end.astimezone(zone))}
                for span in hours
            ],
        }  # fmt: skip
        problems.append(
            DomainError("window_outside_hours", f"preferred_windows.{n}", extensions=facts)
        )
    return problems


def _wall_end(moment: datetime) -> str:
    """The end of a span on the wall clock; local midnight is the day's "24:00"."""
    return "24:00" if (moment.hour, moment.minute) == (0, 0) else f"{moment:%H:%M}"
