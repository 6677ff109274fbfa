"""The per-case rights checklist (issue 7): a pure function from a case's timeline to its duties.

``evaluate`` returns one :class:`DutyResult` per applicable (duty, occurrence), in catalogue
order; the status is :func:`judge` of (due time, fulfilment time, now) and deadlines come from the
period engine (holiday shifts, policies, provisional flags). Decisions per duty, from LEGAL_RULES.md
(where one applies, the result's ``notes`` say so):

* M1 / M2 (walk-in) per meeting request: clock from ``clock_started_at`` (the caller applies P1;
  None: pending, no deadline); met by the first meeting started. Where M5 applies, not applicable
  until permission is granted, and the clock starts no earlier than the grant. Cancelled by the
  facility without a meeting: missed at once, or not applicable if a lawful reason is recorded;
  withdrawn by the lawyer (cancelled, no-show): not applicable.
* M5 per permission request, if the category is in P5 and it precedes the end of investigation
  (first investigation_ended / transfer_for_prosecution event); met by the decision.
* N1 per engagement notice and N5 per termination, per engagement; N2 per measure event, N3 per
  custody extension, N4 per transfer, per lawyer engaged at the event for the detainee it
  concerns (all of the case's lawyers for a case-wide event); met by that notice's delivery.
  N1-N4 are P6 targets (``statutory`` False).
* N6 / N7 per detention / arrest: met by the family notice; a recorded lawful reason makes a late
  or absent notice not applicable. N8 per duty-lawyer request.
* O1 per written opinion submitted before the investigation ended: due at that end event (no
  period); met when acknowledged and attached (the later time); later opinions: O3, not O1.
* O2 / M7 per measure-change / interpreter application (3 days, decided), C1 / C2 per complaint.
* K1 per arrest: 2 months, or the latest ``new_expiry`` of custody extensions; met by release,
  bail, surveillance, lifted measure, end of investigation or transfer (late: custody ran over).
* M3, M4, M6 are standing duties and O3 has no review event yet: one ``not_applicable`` row per
  case, as they are not judged per occurrence. Duties of a retracted event: not applicable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.cases.kinds import IMPEDE_EXCEPTION_CATEGORIES
from app.cases.kinds import EventKind as K
from app.law.catalogue import Catalogue, Duty
from app.law.periods import Deadline, PeriodKind, compute_deadline, prompt_target_deadline
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar
from rights_checklist.timeline import (
    CaseTimeline,
    DutyResult,
    DutyStatus,
    Engagement,
    Event,
    Evidence,
    MeetingRequest,
    judge,
    utc,
)

__all__ = ["STANDING_DUTIES", "evaluate", "judge"]

STANDING_DUTIES = frozenset({"M3", "M4", "M6", "O3"})
_MEASURES = frozenset({K.CRIMINAL_DETENTION, K.ARREST, K.BAIL, K.RESIDENTIAL_SURVEILLANCE,
                       K.DESIGNATED_RESIDENCE_SURVEILLANCE, K.MEASURE_CHANGED,
                       K.MEASURE_LIFTED})  # fmt: skip
_NOTICE_EVENTS = {"N2": _MEASURES, "N3": {K.CUSTODY_EXTENSION}, "N4": {K.TRANSFER_FOR_PROSECUTION}}
_INVESTIGATION_END = frozenset({K.INVESTIGATION_ENDED, K.TRANSFER_FOR_PROSECUTION})
_CUSTODY_END = frozenset({K.RELEASED, K.BAIL, K.RESIDENTIAL_SURVEILLANCE, K.MEASURE_LIFTED,
                          K.DESIGNATED_RESIDENCE_SURVEILLANCE, *_INVESTIGATION_END})  # fmt: skip
_FAMILY_EVENTS = {"N6": K.CRIMINAL_DETENTION, "N7": K.ARREST}
_APPLICATIONS = {"O2": "measure_change", "M7": "interpreter"}
_WITHDRAWN = frozenset({"cancelled_by_lawyer", "no_show"})
# K1's notes on a late extension; `extension_flags` reads them back for the case page.
AFTER_EXPIRY_NOTE = "extension {id} recorded after custody expired on {expired}; not counted"
SHORT_NOTICE_NOTE = "extension {id} recorded less than 7 days before expiry"
_EXTENSION_NOTES = (
    ("extension_after_expiry", re.compile(r"extension (\d+) recorded after custody expired")),
    ("extension_short_notice", re.compile(r"extension (\d+) recorded less than 7 days")),
)


def _first(candidates: Iterable[Evidence]) -> Evidence | None:
    return min(candidates, key=lambda e: (utc(e.at), e.kind, e.id), default=None)


class _Run:
    def __init__(self, tl: CaseTimeline, now: datetime, catalogue: Catalogue,
                 calendar: RestDayCalendar, policies: LegalPolicies,
                 due_soon: timedelta) -> None:  # fmt: skip
        self.tl, self.now, self.cat = tl, now, catalogue
        self.calendar, self.policies, self.due_soon = calendar, policies, due_soon
        self.zone = ZoneInfo(tl.timezone)
        self.out: list[DutyResult] = []
        # Sorted copies make the result independent of the input order.
        events = sorted(tl.events, key=lambda e: (utc(e.occurred_at), e.id))
        self.retracted = {e.corrects_id: e.id for e in events if e.kind is K.CORRECTION}
        self.events = [e for e in events if e.kind is not K.CORRECTION]
        self.live = [e for e in self.events if e.id not in self.retracted]
        self.engagements = sorted(tl.engagements, key=lambda g: g.id)
        self.requests = sorted(tl.meeting_requests, key=lambda r: r.id)
        ends = [e for e in self.live if e.kind in _INVESTIGATION_END]
        self.investigation_end: Event | None = ends[0] if ends else None

    def deadline(self, duty: Duty, trigger: datetime) -> Deadline | None:
        period = duty.parsed_period
        if period is None and duty.period_kind is PeriodKind.TARGET:
            return prompt_target_deadline(trigger, tz=self.zone, calendar=self.calendar,
                                          policies=self.policies, basis=duty.basis)  # fmt: skip
        if period is None or duty.period_kind is None:
            return None
        return compute_deadline(trigger, period, duty.period_kind, tz=self.zone,
                                calendar=self.calendar, policies=self.policies,
                                basis=duty.basis)  # fmt: skip

    def add(self, duty_id: str, occurrence: str, trigger: datetime | None,
            evidence: Evidence | None, *, due_at: datetime | None = None,
            status: DutyStatus | None = None, notes: tuple[str, ...] = ()) -> None:  # fmt: skip
        duty = self.cat.by_id(duty_id)
        deadline = self.deadline(duty, trigger) if trigger is not None else None
        if due_at is None and deadline is not None:
            due_at = deadline.expires_at
        if status is None:
            status = judge(due_at, evidence.at if evidence else None, self.now, self.due_soon)
        self.out.append(DutyResult(duty_id, occurrence, status, deadline, due_at, evidence,
                                   duty.basis, duty.statutory, notes))  # fmt: skip

    def not_applicable(self, duty_id: str, occurrence: str, note: str) -> None:
        self.add(duty_id, occurrence, None, None, status=DutyStatus.NOT_APPLICABLE, notes=(note,))

    def retraction(self, event: Event) -> str | None:
        fix = self.retracted.get(event.id)
        return None if fix is None else f"event {event.id} retracted by correction {fix}"

    def active_at(self, t: datetime) -> list[Engagement]:
        return [g for g in self.engagements if g.notice_sent_at is not None
                and utc(g.notice_sent_at) <= utc(t)
                and (g.terminated_at is None or utc(g.terminated_at) > utc(t))]  # fmt: skip

    def notice(self, duty_id: str, engagement_id: int, event_id: int | None) -> Evidence | None:
        return _first(Evidence("notice", n.id, n.delivered_at) for n in self.tl.notices
                      if n.duty_id == duty_id and n.engagement_id == engagement_id
                      and n.trigger_event_id == event_id
                      and n.delivered_at is not None)  # fmt: skip

    def permission_applies(self, r: MeetingRequest) -> bool:
        if not r.permission_needed or r.permission_requested_at is None:
            return False
        if self.tl.case.category not in self.policies.permission_case_categories:
            return False
        end = self.investigation_end
        return end is None or utc(r.permission_requested_at) < utc(end.occurred_at)

    # -- duties --------------------------------------------------------------------------------
    def meeting(self, duty_id: str) -> None:
        for r in self.requests:
            if r.walk_in != (duty_id == "M2"):
                continue
            occ = f"request:{r.id}"
            ev = _first(Evidence("meeting", m.id, m.started_at) for m in self.tl.meetings
                        if m.request_id == r.id and m.started_at is not None)  # fmt: skip
            start = r.clock_started_at
            if self.permission_applies(r):
                if r.permission_outcome != "granted" or r.permission_decided_at is None:
                    self.not_applicable(duty_id, occ, "permission not granted (duty M5 governs)")
                    continue
                if start is None or utc(start) < utc(r.permission_decided_at):
                    start = r.permission_decided_at  # no meeting is possible before the grant
            if ev is None and r.status in _WITHDRAWN:
                self.not_applicable(duty_id, occ, f"withdrawn by the lawyer ({r.status})")
            elif ev is None and r.status == "cancelled_by_facility" and r.refused_reason:
                self.not_applicable(duty_id, occ, f"lawful reason: {r.refused_reason}")
            elif ev is None and r.status == "cancelled_by_facility":
                self.add(duty_id, occ, start, None, status=DutyStatus.MISSED,
                         notes=("refused without a lawful reason",))  # fmt: skip
            else:
                self.add(duty_id, occ, start, ev)

    def permission(self, duty_id: str) -> None:
        for r in self.requests:
            if not r.permission_needed or r.permission_requested_at is None:
                continue
            occ = f"request:{r.id}"
            if not self.permission_applies(r):
                self.not_applicable(duty_id, occ, "no permission needed (policy P5, stage)")
                continue
            decided = r.permission_decided_at
            ev = Evidence("permission_decision", r.id, decided) if decided else None
            self.add(duty_id, occ, r.permission_requested_at, ev)

    def engagement(self, duty_id: str) -> None:
        for g in self.engagements:
            trigger = g.notice_sent_at if duty_id == "N1" else g.terminated_at
            if trigger is not None:
                self.add(duty_id, f"engagement:{g.id}", trigger, self.notice(duty_id, g.id, None))

    def event_notice(self, duty_id: str) -> None:
        for e in self.events:
            if e.kind not in _NOTICE_EVENTS[duty_id]:
                continue
            for g in self.active_at(e.occurred_at):
                if None not in (e.detainee_id, g.detainee_id) and e.detainee_id != g.detainee_id:
                    continue  # a co-defendant's event: owed to that detainee's lawyers only
                occ = f"event:{e.id}/engagement:{g.id}"
                if why := self.retraction(e):
                    self.not_applicable(duty_id, occ, why)
                else:
                    self.add(duty_id, occ, e.occurred_at, self.notice(duty_id, g.id, e.id))

    def family(self, duty_id: str) -> None:
        for e in self.events:
            if e.kind is not _FAMILY_EVENTS[duty_id]:
                continue
            occ = f"event:{e.id}"
            if why := self.retraction(e):
                self.not_applicable(duty_id, occ, why)
                continue
            fns = [f for f in self.tl.family_notices if f.event_id == e.id]
            ev = _first(Evidence("family_notice", e.id, f.notified_at) for f in fns
                        if f.notified_at is not None)  # fmt: skip
            # "Would impede" excuses nothing outside state-security and terrorism cases (CPL 85),
            # even where a record says so.
            reasons = sorted(f.lawful_reason for f in fns if f.lawful_reason and (
                f.lawful_reason != "would_impede"
                or self.tl.case.category in IMPEDE_EXCEPTION_CATEGORIES))  # fmt: skip
            self.add(duty_id, occ, e.occurred_at, ev)
            if reasons and self.out[-1].status is not DutyStatus.MET_ON_TIME:
                # A recorded lawful reason (cannot notify; N6 also: would impede) excuses delay.
                notes = tuple(f"lawful reason: {r}" for r in reasons)
                self.out[-1] = replace(self.out[-1], status=DutyStatus.NOT_APPLICABLE, notes=notes)

    def duty_lawyer(self, duty_id: str) -> None:
        for q in sorted(self.tl.duty_lawyer_requests, key=lambda q: q.id):
            ev = Evidence("duty_lawyer_notice", q.id, q.notified_at) if q.notified_at else None
            self.add(duty_id, f"duty_lawyer_request:{q.id}", q.requested_at, ev)

    def opinion(self, duty_id: str) -> None:
        end = self.investigation_end
        for s in sorted(self.tl.submissions, key=lambda s: s.id):
            if s.kind != "opinion":
                continue
            occ = f"submission:{s.id}"
            if end is not None and utc(s.submitted_at) >= utc(end.occurred_at):
                self.not_applicable(duty_id, occ, "submitted after the investigation ended (O3)")
                continue
            ev = None
            if s.acknowledged_at is not None and s.attached_at is not None:
                done = max(s.acknowledged_at, s.attached_at, key=utc)
                ev = Evidence("submission", s.id, done)
            self.add(duty_id, occ, None, ev, due_at=end.occurred_at if end else None,
                     notes=(f"due before event {end.id} ({end.kind})",) if end else ())  # fmt: skip

    def application(self, duty_id: str) -> None:
        for s in sorted(self.tl.submissions, key=lambda s: s.id):
            if s.kind == _APPLICATIONS[duty_id]:
                ev = Evidence("decision", s.id, s.decided_at) if s.decided_at else None
                self.add(duty_id, f"submission:{s.id}", s.submitted_at, ev)

    def complaint(self, duty_id: str) -> None:
        for c in sorted(self.tl.complaints, key=lambda c: c.id):
            if c.kind == duty_id:
                ev = Evidence("complaint_reply", c.id, c.replied_at) if c.replied_at else None
                self.add(duty_id, f"complaint:{c.id}", c.filed_at, ev)

    def custody(self, duty_id: str) -> None:
        for a in self.events:
            if a.kind is not K.ARREST:
                continue
            occ = f"event:{a.id}"
            if why := self.retraction(a):
                self.not_applicable(duty_id, occ, why)
                continue
            after = [e for e in self.live if utc(e.occurred_at) > utc(a.occurred_at)]
            ext = [e for e in after if e.kind is K.CUSTODY_EXTENSION and e.new_expiry]
            end = next((e for e in after if e.kind in _CUSTODY_END), None)
            ev = Evidence(end.kind.value, end.id, end.occurred_at) if end else None
            due, notes = self.custody_limit(duty_id, a, ext)
            self.add(duty_id, occ, a.occurred_at, ev, due_at=due, notes=notes)

    def custody_limit(
        self, duty_id: str, arrest: Event, extensions: list[Event]
    ) -> tuple[datetime | None, tuple[str, ...]]:
        """The custody limit after the extensions that count, oldest first. An extension counts
        only when recorded before the limit it extends ran out: custody past its limit is not
        made lawful afterwards (K1; CPL 156-159), so the duty is judged against the limit that
        was in force. An extension recorded less than 7 days before expiry still counts, but
        is noted: it was to be asked for at least 7 days ahead (MPS 148-151)."""
        base = self.deadline(self.cat.by_id(duty_id), arrest.occurred_at)
        due: datetime | None = base.expires_at if base is not None else None
        notes: list[str] = []
        for e in sorted(extensions, key=lambda e: (utc(e.occurred_at), e.id)):
            assert e.new_expiry is not None  # filtered by the caller
            if due is not None and utc(e.occurred_at) >= utc(due):
                expired = f"{due.astimezone(self.zone):%Y-%m-%d %H:%M}"
                notes.append(AFTER_EXPIRY_NOTE.format(id=e.id, expired=expired))
                continue
            if due is not None and utc(due) - utc(e.occurred_at) < timedelta(days=7):
                notes.append(SHORT_NOTICE_NOTE.format(id=e.id))
            midnight = datetime.combine(e.new_expiry + timedelta(days=1), time(), self.zone)
            due = midnight.astimezone(UTC).astimezone(self.zone)  # 24:00 of the last day
            notes.append(f"extended to {e.new_expiry.isoformat()} by event {e.id}")
        return due, tuple(notes)

    def standing(self, duty_id: str) -> None:
        self.not_applicable(duty_id, f"case:{self.tl.case.id}", "standing duty, not judged here")


def extension_flags(results: Iterable[DutyResult]) -> dict[int, str]:
    """Custody extensions recorded too late, by event id: "extension_after_expiry" (it did not
    extend custody) or "extension_short_notice" (less than 7 days ahead), from K1's notes."""
    flags: dict[int, str] = {}
    for result in results:
        if result.duty_id != "K1":
            continue
        for note in result.notes:
            for code, pattern in _EXTENSION_NOTES:
                found = pattern.match(note)
                if found:
                    flags[int(found.group(1))] = code
    return flags


# Duty id -> the rule that finds its triggers and fulfilment (LEGAL_RULES.md, catalogue.toml).
_RULES: dict[str, Callable[[_Run, str], None]] = {
    "M1": _Run.meeting, "M2": _Run.meeting, "M5": _Run.permission, "M7": _Run.application,
    "N1": _Run.engagement, "N2": _Run.event_notice, "N3": _Run.event_notice,
    "N4": _Run.event_notice, "N5": _Run.engagement, "N6": _Run.family, "N7": _Run.family,
    "N8": _Run.duty_lawyer, "O1": _Run.opinion, "O2": _Run.application, "C1": _Run.complaint,
    "C2": _Run.complaint, "K1": _Run.custody,
    **{d: _Run.standing for d in STANDING_DUTIES},
}  # fmt: skip


def evaluate(
    timeline: CaseTimeline,
    now: datetime,
    catalogue: Catalogue,
    calendar: RestDayCalendar,
    policies: LegalPolicies,
    due_soon: timedelta = timedelta(hours=6),
) -> list[DutyResult]:
    """Every applicable duty of ``timeline`` as of ``now`` (aware), in catalogue order."""
    if now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    run = _Run(timeline, now, catalogue, calendar, policies, due_soon)
    for duty in catalogue.duty:
        rule = _RULES.get(duty.id)
        if rule is None:  # a duty added to the catalogue before its rule: shown, never dropped
            run.not_applicable(duty.id, f"case:{timeline.case.id}", "no evaluation rule yet")
        else:
            rule(run, duty.id)
    return run.out
