"""Asking for a meeting: the one command the lawyer's form, the desk's walk-in form, the API and
any script build (M1, M2, M5, M6, M7; CPL 39(2), R2015 art. 7-10).

``ask_for_meeting`` checks, in this order: that the actor may see the engagement (else not
found), that only detention-centre staff record a walk-in, a past request time or documents
checked at the gate (M2); then, all at once, that no recorded time lies in the future, that each
preferred window ends in the future (the command itself states that a window ends after it
starts) and M6's assistant; then ``scheduling.requests.open_request`` applies the rest (the three
documents, M6's assistant, the facility's lengths, M5's permission and the 48-hour clock) and
``scheduling.document_checks.open_walk_in`` the gate check of a walk-in.
"""

from __future__ import annotations

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
from scheduling import document_checks, requests
from scheduling.kinds import RoomKind
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
