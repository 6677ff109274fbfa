"""Properties of the rights-checklist evaluation (hypothesis): statuses depend only on
(deadline, fulfilment time, now), never go back to pending as time passes, and the result does not
depend on the order of the input records."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from app.cases.kinds import EventKind
from app.law.catalogue import load_catalogue
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar
from rights_checklist.evaluation import evaluate, judge
from rights_checklist.timeline import (
    CaseInfo,
    CaseTimeline,
    Complaint,
    DutyResult,
    DutyStatus,
    Engagement,
    Event,
    FamilyNotice,
    Meeting,
    MeetingRequest,
    Notice,
    Submission,
)

S = DutyStatus
TZ = "Asia/Shanghai"
SH = ZoneInfo(TZ)
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=SH)
CATALOGUE = load_catalogue()
CALENDAR = RestDayCalendar()
POLICIES = LegalPolicies()
SOON = timedelta(hours=6)
SETTINGS = settings(max_examples=100, deadline=None)
SETTLED = frozenset({S.MET_ON_TIME, S.MET_LATE, S.MISSED, S.NOT_APPLICABLE})

minutes = st.integers(min_value=0, max_value=150 * 24 * 60)  # 2026 only: official calendar
maybe_minutes = st.none() | minutes


def t(m: int) -> datetime:
    return T0 + timedelta(minutes=m)


def opt(m: int | None) -> datetime | None:
    return None if m is None else t(m)


def run(tl: CaseTimeline, now: datetime) -> list[DutyResult]:
    return evaluate(tl, now, CATALOGUE, CALENDAR, POLICIES, SOON)


@st.composite
def timelines(draw: st.DrawFn) -> CaseTimeline:
    ids = st.integers(min_value=1, max_value=4)
    kinds = st.sampled_from([k for k in EventKind if k is not EventKind.CORRECTION])
    events = [
        Event(i, draw(kinds), t(draw(minutes)), new_expiry=date(2026, 8, draw(ids)))
        for i in range(1, draw(st.integers(0, 6)) + 1)
    ]
    retract_first: bool = draw(st.booleans())
    if events and retract_first:
        events.append(Event(99, EventKind.CORRECTION, t(draw(minutes)), corrects_id=1))
    engagements = [Engagement(i, 10 + i, "active", opt(draw(maybe_minutes)), opt(draw(
        maybe_minutes))) for i in range(1, draw(st.integers(0, 3)) + 1)]  # fmt: skip
    requests = [
        MeetingRequest(i, t(m := draw(minutes)), opt(draw(st.none() | st.just(m))),
                       walk_in=draw(st.booleans()), permission_needed=draw(st.booleans()),
                       permission_requested_at=t(m), permission_decided_at=opt(draw(maybe_minutes)),
                       permission_outcome=draw(st.sampled_from([None, "granted", "refused"])),
                       status=draw(st.sampled_from(["requested", "cancelled_by_facility",
                                                    "no_show"])),
                       refused_reason=draw(st.none() | st.just("lockdown")))
        for i in range(1, draw(st.integers(0, 3)) + 1)
    ]  # fmt: skip
    meetings = [Meeting(20 + r.id, r.id, t(0), opt(draw(maybe_minutes))) for r in requests]
    duties = st.sampled_from(["N1", "N2", "N3", "N4", "N5"])
    notices = [Notice(i, draw(duties), draw(ids), t(0), draw(st.none() | ids),
                      opt(draw(maybe_minutes)))
               for i in range(draw(st.integers(0, 4)))]  # fmt: skip
    kinds_s = st.sampled_from(["opinion", "hearing_request", "measure_change", "interpreter"])
    submissions = [Submission(i, draw(kinds_s), t(draw(minutes)), opt(draw(maybe_minutes)),
                              opt(draw(maybe_minutes)), opt(draw(maybe_minutes)))
                   for i in range(draw(st.integers(0, 3)))]  # fmt: skip
    complaints = [Complaint(i, draw(st.sampled_from(["C1", "C2"])), t(draw(minutes)),
                            opt(draw(maybe_minutes)))
                  for i in range(draw(st.integers(0, 2)))]  # fmt: skip
    family = [FamilyNotice(e.id, opt(draw(maybe_minutes)), draw(st.none() | st.just("cannot")))
              for e in events if draw(st.booleans())]  # fmt: skip
    category = draw(st.sampled_from(["ordinary", "state_security"]))
    return CaseTimeline(CaseInfo(1, category, "investigation"), TZ, tuple(events),
                        tuple(engagements), tuple(requests), tuple(meetings), tuple(notices),
                        tuple(submissions), tuple(complaints), tuple(family))  # fmt: skip


def shuffled(tl: CaseTimeline, seed: int) -> CaseTimeline:
    rnd = random.Random(seed)
    parts: dict[str, Any] = {}
    for name in ("events", "engagements", "meeting_requests", "meetings", "notices",
                 "submissions", "complaints", "family_notices"):  # fmt: skip
        items = list(getattr(tl, name))
        rnd.shuffle(items)
        parts[name] = tuple(items)
    return replace(tl, **parts)


@SETTINGS
@given(due=minutes, done=maybe_minutes, now=minutes)
def test_judge_is_a_function_of_deadline_fulfilment_and_now(
    due: int, done: int | None, now: int
) -> None:
    status = judge(t(due), opt(done), t(now), SOON)
    if done is not None:
        assert status is (S.MET_ON_TIME if done < due else S.MET_LATE)
    elif now >= due:
        assert status is S.MISSED
    else:
        assert status is (S.DUE_SOON if t(due) - t(now) <= SOON else S.PENDING)


@SETTINGS
@given(trigger=minutes, done=maybe_minutes, now=minutes, walk_in=st.booleans())
def test_meeting_status_follows_its_deadline_through_evaluate(
    trigger: int, done: int | None, now: int, walk_in: bool
) -> None:
    req = MeetingRequest(1, t(trigger), t(trigger), walk_in=walk_in)
    meetings = () if done is None else (Meeting(2, 1, t(done), t(done)),)
    tl = CaseTimeline(CaseInfo(1, "ordinary", "investigation"), TZ, meeting_requests=(req,),
                      meetings=meetings)  # fmt: skip
    (result,) = [r for r in run(tl, t(now)) if r.duty_id == ("M2" if walk_in else "M1")]
    assert result.deadline is not None and result.due_at == result.deadline.expires_at
    assert result.status is judge(result.due_at, opt(done), t(now), SOON)


@SETTINGS
@given(tl=timelines(), now=minutes, later=minutes)
def test_moving_now_forward_never_reopens_a_settled_duty(
    tl: CaseTimeline, now: int, later: int
) -> None:
    before = run(tl, t(now))
    after = run(tl, t(now + later))
    assert [(r.duty_id, r.occurrence) for r in before] == [(r.duty_id, r.occurrence) for r in after]
    for old, new in zip(before, after, strict=True):
        if old.status in SETTLED:
            assert new.status in SETTLED


@SETTINGS
@given(tl=timelines(), now=minutes, seed=st.integers(0, 2**32))
def test_evaluation_is_deterministic_and_independent_of_input_order(
    tl: CaseTimeline, now: int, seed: int
) -> None:
    first = run(tl, t(now))
    assert run(tl, t(now)) == first
    assert run(shuffled(tl, seed), t(now)) == first


@SETTINGS
@given(tl=timelines(), now=minutes)
def test_every_result_is_a_catalogue_duty_with_its_basis(tl: CaseTimeline, now: int) -> None:
    for result in run(tl, t(now)):
        duty = CATALOGUE.by_id(result.duty_id)
        assert (result.basis, result.statutory) == (duty.basis, duty.statutory)
        if result.status is S.NOT_APPLICABLE:
            assert result.notes


@SETTINGS
@given(tl=timelines(), now=minutes)
def test_the_same_instants_in_utc_give_the_same_statuses(tl: CaseTimeline, now: int) -> None:
    in_utc = replace(tl, complaints=tuple(
        replace(c, filed_at=c.filed_at.astimezone(UTC)) for c in tl.complaints))  # fmt: skip
    statuses = [r.status for r in run(in_utc, t(now).astimezone(UTC))]
    assert statuses == [r.status for r in run(tl, t(now))]


@SETTINGS
@given(tl=timelines(), now=minutes)
def test_every_judged_result_is_judge_of_its_due_time_evidence_and_now(
    tl: CaseTimeline, now: int
) -> None:
    for r in run(tl, t(now)):
        if r.status is S.NOT_APPLICABLE or "refused without a lawful reason" in r.notes:
            continue  # the two statuses set by a rule rather than by the clock
        done = r.evidence.at if r.evidence else None
        assert r.status is judge(r.due_at, done, t(now), SOON), r
        if r.deadline is not None and not r.notes:  # notes mark an extended or event-bound due
            assert r.due_at == r.deadline.expires_at
