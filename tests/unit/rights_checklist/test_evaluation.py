"""The per-case rights checklist: every duty of the catalogue driven to each status it can take."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.cases.kinds import EventKind as K
from app.law.catalogue import load_catalogue
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar
from rights_checklist.evaluation import STANDING_DUTIES, evaluate
from rights_checklist.timeline import (
    CaseInfo,
    CaseTimeline,
    Complaint,
    DutyLawyerRequest,
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
CATALOGUE = load_catalogue()
T0 = datetime(2026, 3, 2, 10, 20, tzinfo=SH)  # a Monday with no holiday near it
DAY = timedelta(days=1)


def at(month: int, day: int, hour: int = 10, minute: int = 20) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


def case(category: str = "ordinary", **parts: Any) -> CaseTimeline:
    """A timeline of case 1; ``parts`` are lists of its records."""
    return CaseTimeline(CaseInfo(1, category, "investigation"), TZ,
                        **{k: tuple(v) for k, v in parts.items()})  # fmt: skip


def rows(timeline: CaseTimeline, now: datetime, duty: str) -> list[DutyResult]:
    results = evaluate(timeline, now, CATALOGUE, RestDayCalendar(), LegalPolicies())
    return [r for r in results if r.duty_id == duty]


def one(timeline: CaseTimeline, now: datetime, duty: str) -> DutyResult:
    found = rows(timeline, now, duty)
    assert len(found) == 1, found
    return found[0]


# -- one builder per duty with a period: (trigger time, fulfilment time or None) -> timeline ------
def _meeting(walk_in: bool) -> Callable[[datetime, datetime | None], CaseTimeline]:
    return lambda t, f: case(
        meeting_requests=[MeetingRequest(1, t, t, walk_in=walk_in)],
        meetings=[Meeting(5, 1, f, f)] if f else [],
    )


def _permission(t: datetime, f: datetime | None) -> CaseTimeline:
    outcome = "granted" if f else None
    req = MeetingRequest(1, t, None, permission_needed=True, permission_requested_at=t,
                         permission_decided_at=f, permission_outcome=outcome)  # fmt: skip
    return case("state_security", meeting_requests=[req])


def _submission(kind: str) -> Callable[[datetime, datetime | None], CaseTimeline]:
    return lambda t, f: case(submissions=[Submission(1, kind, t, decided_at=f)])


def _event_notice(duty: str, kind: K) -> Callable[[datetime, datetime | None], CaseTimeline]:
    return lambda t, f: case(
        engagements=[Engagement(3, 7, "active", t - DAY)],
        events=[Event(1, kind, t, new_expiry=date(2026, 6, 1))],
        notices=[Notice(9, duty, 3, t, 1, f, "delivered")] if f else [],
    )


def _engagement(duty: str) -> Callable[[datetime, datetime | None], CaseTimeline]:
    def build(t: datetime, f: datetime | None) -> CaseTimeline:
        ended = Engagement(3, 7, "terminated", t - DAY, t)
        eng = Engagement(3, 7, "active", t) if duty == "N1" else ended
        return case(engagements=[eng], notices=[Notice(9, duty, 3, t, None, f)] if f else [])

    return build


def _family(kind: K) -> Callable[[datetime, datetime | None], CaseTimeline]:
    return lambda t, f: case(events=[Event(1, kind, t)], family_notices=[FamilyNotice(1, f)])


def _opinion(t: datetime, f: datetime | None) -> CaseTimeline:
    return case(submissions=[Submission(1, "opinion", t, f, f)],
                events=[Event(8, K.INVESTIGATION_ENDED, t + 5 * DAY)])  # fmt: skip


def _complaint(kind: str) -> Callable[[datetime, datetime | None], CaseTimeline]:
    return lambda t, f: case(complaints=[Complaint(1, kind, t, f)])


def _custody(t: datetime, f: datetime | None) -> CaseTimeline:
    return case(events=[Event(1, K.ARREST, t)] + ([Event(2, K.RELEASED, f)] if f else []))


BUILDERS: dict[str, Callable[[datetime, datetime | None], CaseTimeline]] = {
    "M1": _meeting(False), "M2": _meeting(True), "M5": _permission,
    "M7": _submission("interpreter"), "O2": _submission("measure_change"),
    "N1": _engagement("N1"), "N5": _engagement("N5"),
    "N2": _event_notice("N2", K.BAIL), "N3": _event_notice("N3", K.CUSTODY_EXTENSION),
    "N4": _event_notice("N4", K.TRANSFER_FOR_PROSECUTION),
    "N6": _family(K.CRIMINAL_DETENTION), "N7": _family(K.ARREST),
    "N8": lambda t, f: case(duty_lawyer_requests=[DutyLawyerRequest(1, t, f)]),
    "O1": _opinion, "C1": _complaint("C1"), "C2": _complaint("C2"), "K1": _custody,
}  # fmt: skip
TIMED = sorted(BUILDERS)
EXPECTED_DUE = {  # T0 = Mon 2 Mar 2026 10:20; hours count from 11:00 (P2)
    "M1": at(3, 4, 11, 0), "M2": at(3, 4, 11, 0), "M5": at(3, 6, 0, 0), "M7": at(3, 6, 0, 0),
    "O2": at(3, 6, 0, 0), "N1": at(3, 3, 11, 0), "N2": at(3, 3, 11, 0), "N3": at(3, 3, 11, 0),
    "N4": at(3, 3, 11, 0), "N5": at(3, 6, 0, 0), "N6": at(3, 3, 11, 0), "N7": at(3, 3, 11, 0),
    "N8": at(3, 3, 11, 0), "O1": T0 + 5 * DAY, "C1": at(3, 13, 0, 0), "C2": at(4, 2, 0, 0),
    "K1": at(5, 3, 0, 0),
}  # fmt: skip


def due(duty: str) -> datetime:
    found = one(BUILDERS[duty](T0, None), T0, duty).due_at
    assert found is not None
    return found


def test_every_catalogue_duty_has_a_status_test() -> None:
    assert set(TIMED) | STANDING_DUTIES == {d.id for d in CATALOGUE.duty}


@pytest.mark.parametrize("duty", TIMED)
def test_due_time_follows_the_catalogue_period(duty: str) -> None:
    assert due(duty) == EXPECTED_DUE[duty]


@pytest.mark.parametrize("duty", TIMED)
def test_unfulfilled_duty_far_from_its_deadline_is_pending(duty: str) -> None:
    assert one(BUILDERS[duty](T0, None), T0 + timedelta(minutes=1), duty).status is S.PENDING


@pytest.mark.parametrize("duty", TIMED)
def test_unfulfilled_duty_within_six_hours_of_its_deadline_is_due_soon(duty: str) -> None:
    now = due(duty) - timedelta(hours=5)
    assert one(BUILDERS[duty](T0, None), now, duty).status is S.DUE_SOON


@pytest.mark.parametrize("duty", TIMED)
def test_unfulfilled_duty_at_its_deadline_is_missed(duty: str) -> None:
    assert one(BUILDERS[duty](T0, None), due(duty), duty).status is S.MISSED


@pytest.mark.parametrize("duty", TIMED)
def test_duty_fulfilled_before_its_deadline_is_met_on_time_with_evidence(duty: str) -> None:
    done = due(duty) - timedelta(minutes=1)
    result = one(BUILDERS[duty](T0, done), due(duty) + 40 * DAY, duty)
    assert result.status is S.MET_ON_TIME
    assert result.evidence is not None and result.evidence.at == done


@pytest.mark.parametrize("duty", TIMED)
def test_duty_fulfilled_at_or_after_its_deadline_is_met_late(duty: str) -> None:
    result = one(BUILDERS[duty](T0, due(duty)), due(duty) + 40 * DAY, duty)
    assert result.status is S.MET_LATE


@pytest.mark.parametrize("duty", TIMED)
def test_result_carries_the_catalogue_basis_and_statutory_flag(duty: str) -> None:
    result = one(BUILDERS[duty](T0, None), T0, duty)
    entry = CATALOGUE.by_id(duty)
    assert (result.basis, result.statutory) == (entry.basis, entry.statutory)
    if result.deadline is not None:
        assert not result.deadline.provisional and result.deadline.explain("en")


@pytest.mark.parametrize("duty", sorted(STANDING_DUTIES))
def test_standing_duty_is_one_not_applicable_row_per_case(duty: str) -> None:
    assert one(case(), T0, duty).status is S.NOT_APPLICABLE


def test_n1_to_n4_are_p6_targets_not_statutory_limits() -> None:
    for duty in ("N1", "N2", "N3", "N4"):
        result = one(BUILDERS[duty](T0, None), T0, duty)
        assert result.statutory is False and result.deadline is not None
        assert result.deadline.rule.startswith("policy P6")


def test_c1_deadline_ending_in_national_day_moves_to_the_next_working_day() -> None:
    result = one(_complaint("C1")(at(9, 24), None), at(9, 24), "C1")
    assert result.deadline is not None and result.deadline.shifted_from == date(2026, 10, 4)
    assert result.due_at == at(10, 9, 0, 0)


# -- M1 / M2 / M5 ---------------------------------------------------------------------------
def test_m1_refused_by_the_facility_without_a_reason_is_missed_at_once() -> None:
    tl = case(meeting_requests=[MeetingRequest(1, T0, T0, status="cancelled_by_facility")])
    assert one(tl, T0 + timedelta(hours=1), "M1").status is S.MISSED


def test_m1_refused_with_a_lawful_reason_is_not_applicable() -> None:
    req = MeetingRequest(1, T0, T0, status="cancelled_by_facility", refused_reason="quarantine")
    assert one(case(meeting_requests=[req]), T0, "M1").status is S.NOT_APPLICABLE


def test_m2_walk_in_withdrawn_by_the_lawyer_is_not_applicable() -> None:
    req = MeetingRequest(1, T0, T0, walk_in=True, status="cancelled_by_lawyer")
    assert one(case(meeting_requests=[req]), T0, "M2").status is S.NOT_APPLICABLE


def test_m1_clock_not_started_under_p1_is_pending_without_deadline() -> None:
    result = one(case(meeting_requests=[MeetingRequest(1, T0, None)]), T0 + 9 * DAY, "M1")
    assert (result.status, result.deadline) == (S.PENDING, None)


def test_m1_waits_for_permission_then_counts_from_the_grant() -> None:
    waiting = _permission(T0, None)
    assert one(waiting, T0, "M1").status is S.NOT_APPLICABLE
    assert one(_permission(T0, T0 + DAY), T0, "M1").due_at == at(3, 5, 11, 0)


def test_m5_not_applicable_for_ordinary_cases() -> None:
    req = MeetingRequest(1, T0, T0, permission_needed=True, permission_requested_at=T0)
    assert one(case(meeting_requests=[req]), T0, "M5").status is S.NOT_APPLICABLE


def test_m5_not_applicable_after_the_investigation_ended() -> None:
    tl = _permission(T0, None)
    tl = case("state_security", meeting_requests=tl.meeting_requests,
              events=[Event(1, K.INVESTIGATION_ENDED, T0 - DAY)])  # fmt: skip
    assert one(tl, T0, "M5").status is S.NOT_APPLICABLE


# -- notices ----------------------------------------------------------------------------------
def test_n2_only_for_lawyers_engaged_at_the_event() -> None:
    engs = [Engagement(3, 7, "active", T0 - DAY), Engagement(4, 8, "active", T0 + DAY)]
    tl = case(engagements=engs, events=[Event(1, K.ARREST, T0)])
    assert [r.occurrence for r in rows(tl, T0, "N2")] == ["event:1/engagement:3"]


def test_n3_for_a_retracted_extension_is_not_applicable() -> None:
    tl = _event_notice("N3", K.CUSTODY_EXTENSION)(T0, None)
    tl = case(engagements=tl.engagements,
              events=[*tl.events, Event(2, K.CORRECTION, T0 + DAY, corrects_id=1)])  # fmt: skip
    assert one(tl, T0 + 9 * DAY, "N3").status is S.NOT_APPLICABLE


def test_n4_notice_for_another_lawyer_does_not_count() -> None:
    tl = _event_notice("N4", K.TRANSFER_FOR_PROSECUTION)(T0, T0)
    tl = case(engagements=tl.engagements, events=tl.events,
              notices=[Notice(9, "N4", 99, T0, 1, T0)])  # fmt: skip
    assert one(tl, T0 + 9 * DAY, "N4").status is S.MISSED


def test_n5_no_termination_no_duty() -> None:
    assert rows(case(engagements=[Engagement(3, 7, "active", T0)]), T0, "N5") == []


@pytest.mark.parametrize("duty,kind", [("N6", K.CRIMINAL_DETENTION), ("N7", K.ARREST)])
def test_n6_n7_family_not_notified_for_a_lawful_reason_is_not_applicable(
    duty: str, kind: K
) -> None:
    tl = case(events=[Event(1, kind, T0)], family_notices=[FamilyNotice(1, None, "cannot notify")])
    result = one(tl, T0 + 9 * DAY, duty)
    assert result.status is S.NOT_APPLICABLE and result.notes == ("lawful reason: cannot notify",)


def test_n6_for_a_retracted_detention_is_not_applicable() -> None:
    events = [Event(1, K.CRIMINAL_DETENTION, T0), Event(2, K.CORRECTION, T0, corrects_id=1)]
    assert one(case(events=events), T0 + 9 * DAY, "N6").status is S.NOT_APPLICABLE


# -- O1 / K1 ----------------------------------------------------------------------------------
def test_o1_opinion_while_investigation_runs_is_pending() -> None:
    tl = case(submissions=[Submission(1, "opinion", T0)])
    assert one(tl, T0 + 90 * DAY, "O1").status is S.PENDING


def test_o1_opinion_submitted_after_the_investigation_ended_is_not_applicable() -> None:
    tl = case(submissions=[Submission(1, "opinion", T0)],
              events=[Event(8, K.TRANSFER_FOR_PROSECUTION, T0 - DAY)])  # fmt: skip
    assert one(tl, T0, "O1").status is S.NOT_APPLICABLE


def test_o1_acknowledged_but_not_attached_before_transfer_is_missed() -> None:
    tl = case(submissions=[Submission(1, "opinion", T0, acknowledged_at=T0)],
              events=[Event(8, K.TRANSFER_FOR_PROSECUTION, T0 + DAY)])  # fmt: skip
    assert one(tl, T0 + DAY, "O1").status is S.MISSED


def test_k1_custody_extension_moves_the_limit_to_its_new_expiry() -> None:
    ext = Event(2, K.CUSTODY_EXTENSION, at(4, 20), new_expiry=date(2026, 6, 2))
    tl = case(events=[Event(1, K.ARREST, T0), ext])
    result = one(tl, at(5, 10), "K1")
    assert (result.status, result.due_at) == (S.PENDING, at(6, 3, 0, 0))


def test_k1_still_held_after_the_limit_is_missed_and_transfer_meets_it() -> None:
    tl = case(events=[Event(1, K.ARREST, T0), Event(2, K.MOVED_FACILITY, at(3, 9))])
    assert one(tl, at(5, 3, 0, 0), "K1").status is S.MISSED
    moved = case(events=[*tl.events, Event(3, K.TRANSFER_FOR_PROSECUTION, at(4, 9))])
    assert one(moved, at(5, 3, 0, 0), "K1").evidence is not None


def test_k1_for_a_retracted_arrest_is_not_applicable() -> None:
    events = [Event(1, K.ARREST, T0), Event(2, K.CORRECTION, T0, corrects_id=1)]
    assert one(case(events=events), T0 + 90 * DAY, "K1").status is S.NOT_APPLICABLE


def test_results_follow_catalogue_order() -> None:
    tl = case(events=[Event(1, K.ARREST, T0)], complaints=[Complaint(2, "C1", T0)])
    order = [d.id for d in CATALOGUE.duty]
    ids = [r.duty_id for r in evaluate(tl, T0, CATALOGUE, RestDayCalendar(), LegalPolicies())]
    assert ids == sorted(ids, key=order.index)


def test_n6_family_notified_in_time_is_met_even_with_a_reason_recorded() -> None:
    fns = [FamilyNotice(1, T0 + timedelta(hours=2), "would impede the investigation")]
    tl = case(events=[Event(1, K.CRIMINAL_DETENTION, T0)], family_notices=fns)
    assert one(tl, T0 + 9 * DAY, "N6").status is S.MET_ON_TIME


def test_evaluation_imports_no_orm_and_no_web_framework() -> None:
    code = (
        "import sys, rights_checklist.evaluation; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'fastapi'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_naive_now_is_rejected() -> None:
    with pytest.raises(ValueError, match="aware"):
        evaluate(case(), datetime(2026, 3, 2), CATALOGUE, RestDayCalendar(), LegalPolicies())


def test_n6_would_impede_excuses_nothing_in_an_ordinary_case() -> None:
    tl = case(events=[Event(1, K.CRIMINAL_DETENTION, T0)],
              family_notices=[FamilyNotice(1, None, "would_impede")])  # fmt: skip
    assert one(tl, T0 + 9 * DAY, "N6").status is S.MISSED


def test_n6_would_impede_excuses_the_delay_in_a_state_security_case() -> None:
    tl = case("state_security", events=[Event(1, K.CRIMINAL_DETENTION, T0)],
              family_notices=[FamilyNotice(1, None, "would_impede")])  # fmt: skip
    assert one(tl, T0 + 9 * DAY, "N6").status is S.NOT_APPLICABLE


def test_k1_an_extension_recorded_after_custody_expired_does_not_extend_it() -> None:
    # Arrest 10 Aug 10:00: two months end at 24:00 on 10 Oct. Extended on 15 Oct to 10 Nov,
    # released 5 Nov: custody ran past its limit, so the duty is met late.
    arrest = datetime(2026, 8, 10, 10, 0, tzinfo=SH)
    late = Event(2, K.CUSTODY_EXTENSION, datetime(2026, 10, 15, 10, 0, tzinfo=SH),
                 new_expiry=date(2026, 11, 10))  # fmt: skip
    released = Event(3, K.RELEASED, datetime(2026, 11, 5, 10, 0, tzinfo=SH))
    result = one(case(events=[Event(1, K.ARREST, arrest), late, released]),
                 datetime(2026, 11, 20, tzinfo=SH), "K1")  # fmt: skip
    assert result.status is S.MET_LATE
    assert result.due_at == datetime(2026, 10, 11, 0, 0, tzinfo=SH)
    assert any("after custody expired" in note for note in result.notes)


def test_k1_an_extension_less_than_7_days_before_expiry_counts_but_is_noted() -> None:
    ext = Event(2, K.CUSTODY_EXTENSION, at(4, 30), new_expiry=date(2026, 6, 2))
    result = one(case(events=[Event(1, K.ARREST, T0), ext]), at(5, 10), "K1")
    assert result.due_at == at(6, 3, 0, 0)
    assert any("less than 7 days" in note for note in result.notes)
