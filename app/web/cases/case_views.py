"""What the case-registry pages show: timeline rows and document states, already cut to the
reader's rights (`app.cases.access`), with times on the facility's wall clock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from app.accounts.models import User
from app.accounts.policy import Action, allowed
from app.cases import access
from app.cases.kinds import REQUIRED_DOCUMENTS, DocumentReview
from app.cases.models import Case, CaseEvent, Detainee, Engagement, EngagementDocument
from app.orgs.models import Facility
from app.presentation.i18n import _, current_locale
from app.presentation.legal_words import reference_words
from app.web.forms import DEFAULT_ZONE, show_local
from notifications import escalation
from notifications.models import Escalation
from notifications.wording import day_in_words

DETAIL_LABELS = {
    "new_expiry": _("New custody expiry"),
    "legal_basis": _("Legal basis"),
    "to_facility_id": _("Receiving detention centre"),
    "from_facility_id": _("Previous detention centre"),
    "lawyer_id": _("Lawyer"),
}


@dataclass(frozen=True)
class Moment:
    shown: str  # wall clock with the zone name
    iso: str  # for <time datetime=...>


def moment(value: datetime | None, zone: str) -> Moment | None:
    return Moment(show_local(value, zone), value.isoformat()) if value else None


@dataclass
class TimelineRow:
    id: int
    kind: str
    effective: Moment
    recorded: Moment
    recorder: str | None = None
    note: str | None = None
    details: list[tuple[str, str]] = field(default_factory=list)
    corrects_id: int | None = None  # set when the corrected entry is on the reader's timeline
    corrects_hidden: bool = False  # a correction of an entry the reader may not see
    corrected_by: list[int] = field(default_factory=list)
    flag: str | None = None  # a message code: e.g. a custody extension recorded too late


async def case_zone(case: Case) -> str:
    """The zone of the case's (first) detainee's facility: where its times happen."""
    detainee = (
        await Detainee.filter(case_links__case_id=case.id)
        .order_by("id")
        .select_related("facility")
        .first()
    )
    return detainee.facility.timezone if detainee else DEFAULT_ZONE


async def _zones(events: list[CaseEvent]) -> dict[int, str]:
    ids = {e.detainee_id for e in events if e.detainee_id}
    detainees = await Detainee.filter(id__in=ids).select_related("facility")
    return {d.id: d.facility.timezone for d in detainees}


async def _names(events: list[CaseEvent]) -> tuple[dict[int, str], dict[int, str]]:
    user_ids = {e.recorded_by_id for e in events if e.recorded_by_id}
    user_ids |= {v for e in events if isinstance(v := e.details.get("lawyer_id"), int)}
    facility_ids = {
        v
        for e in events
        for key in ("to_facility_id", "from_facility_id")
        if isinstance(v := e.details.get(key), int)
    }
    users = {u.id: u.display_name for u in await User.filter(id__in=user_ids)}
    facilities = {f.id: f.name for f in await Facility.filter(id__in=facility_ids)}
    return users, facilities


def _details(
    event: CaseEvent, users: dict[int, str], facilities: dict[int, str]
) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    for key, label in DETAIL_LABELS.items():
        value = event.details.get(key)
        if value is None or value == "":
            continue
        if key == "lawyer_id":
            value = users.get(value, "—") if isinstance(value, int) else "—"
        elif key.endswith("facility_id"):
            value = facilities.get(value, "—") if isinstance(value, int) else "—"
        elif key == "legal_basis" and isinstance(value, str):
            value = reference_words(value)  # "CPL 156" typed: read as words where it can be
        elif key == "new_expiry" and isinstance(value, str):
            value = _day_words(value)
        shown.append((label, str(value)))
    return shown


def _day_words(iso: str) -> str:
    try:
        return day_in_words(date.fromisoformat(iso), current_locale.get())
    except ValueError:
        return iso


async def timeline(user: User, case: Case, engagement: Engagement | None) -> list[TimelineRow]:
    """The entries `user` may read, oldest first; auditors get kinds and times only."""
    events = list(await access.timeline_for(user, case, engagement))
    fallback = await case_zone(case)
    zones = await _zones(events)
    users, facilities = await _names(events)
    notes = access.sees_notes(user)
    visible = {e.id for e in events}
    rows: dict[int, TimelineRow] = {}
    for event in events:
        zone = zones.get(event.detainee_id or 0, fallback)
        row = TimelineRow(
            id=event.id,
            kind=event.kind.value,
            effective=Moment(show_local(event.effective_at, zone), event.effective_at.isoformat()),
            recorded=Moment(show_local(event.recorded_at, zone), event.recorded_at.isoformat()),
        )
        if notes:
            row.recorder = users.get(event.recorded_by_id or 0)
            row.note = event.note or None
            row.details = _details(event, users, facilities)
            if event.corrects_id in visible:
                row.corrects_id = event.corrects_id
            elif event.corrects_id:
                row.corrects_hidden = True
        rows[event.id] = row
    for row in rows.values():
        if row.corrects_id in rows:
            rows[row.corrects_id].corrected_by.append(row.id)
    return list(rows.values())


@dataclass(frozen=True)
class DocumentSlot:
    """One required document and its uploads, newest first (the newest is the one checked)."""

    kind: str
    uploads: list[EngagementDocument]

    @property
    def latest(self) -> EngagementDocument | None:
        return self.uploads[0] if self.uploads else None

    @property
    def review(self) -> str:
        return self.latest.review.value if self.latest else "missing"


@dataclass(frozen=True)
class DocumentState:
    slots: list[DocumentSlot]

    @property
    def accepted(self) -> int:
        return sum(1 for s in self.slots if s.review == DocumentReview.ACCEPTED.value)

    @property
    def required(self) -> int:
        return len(self.slots)

    @property
    def rejected(self) -> int:
        return sum(1 for s in self.slots if s.review == DocumentReview.REJECTED.value)

    @property
    def missing(self) -> int:
        return sum(1 for s in self.slots if s.latest is None)


def document_state(
    engagement: Engagement, documents: Iterable[EngagementDocument]
) -> DocumentState:
    ordered = sorted(documents, key=lambda d: (d.uploaded_at, d.id), reverse=True)
    return DocumentState(
        [
            DocumentSlot(kind.value, [d for d in ordered if d.kind == kind])
            for kind in REQUIRED_DOCUMENTS[engagement.kind]
        ]
    )


async def document_states(engagements: list[Engagement]) -> dict[int, DocumentState]:
    documents = await EngagementDocument.filter(engagement_id__in=[e.id for e in engagements])
    return {
        e.id: document_state(e, [d for d in documents if d.engagement_id == e.id])
        for e in engagements
    }


async def case_escalations(user: User, case: Case) -> list[Escalation]:
    """Open escalations of the case that this user's unit may see (none without the right)."""
    if not allowed(user, Action.VIEW_ESCALATIONS):
        return []
    return await escalation.open_for_case(user, case.id)


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    templates = request.app.state.templates
    return templates.render(request, name, context, status_code=status)  # type: ignore[no-any-return]
