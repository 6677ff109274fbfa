"""Keeping the duty ledger equal to the per-case checklist (issue 8).

The triggers of migration 0012 mark a case whenever a record its checklist reads changes.
``refresh_ledger`` takes the marked cases, judges each one with the same ``evaluate`` as the
checklist page and replaces its ``duty_record`` rows. A case is refreshed inside one
transaction that first locks its row (PostgreSQL: FOR NO KEY UPDATE, which writers of child
rows do not wait for), reads its marks, then its records: two refreshers of one case run one
after the other, and a change committed meanwhile leaves a mark of its own for the next run.

The stored times do not depend on "now" (a row's status follows from due, fulfilment and the
report's now, as ``judge`` decides); ``settled_status`` keeps the outcomes the evaluation
settled whatever the time (not applicable, refused without a lawful reason).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from app import clock
from app.cases.models import Case, CaseDetainee
from app.law.catalogue import load_catalogue
from app.law.context import Law, LegalContext
from rights_checklist.evaluation import evaluate
from rights_checklist.ledger_models import DutyLedgerMark, DutyRecord
from rights_checklist.timeline import CaseTimeline, DutyResult, DutyStatus, judge
from rights_checklist.timeline_store import load_timeline
from scheduling.kinds import MeetingStatus
from scheduling.models import Meeting, MeetingRequest

log = logging.getLogger("lawmeet.ledger")
Progress = Callable[[int, int], None]  # (cases done, cases to do)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_OPEN = frozenset({DutyStatus.PENDING, DutyStatus.DUE_SOON})


def to_us(t: datetime) -> int:
    """Whole microseconds since the epoch: exact, so comparisons match ``judge``'s."""
    delta = t.astimezone(UTC) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_us(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


async def pending_refresh(db: BaseDBAsyncClient | None = None) -> int:
    """How many cases changed since the ledger last judged them (read through ``db``, a
    report's snapshot, when given)."""
    marks = DutyLedgerMark.all().using_db(db) if db is not None else DutyLedgerMark.all()
    rows = await marks.distinct().values_list("case_id", flat=True)
    return len(rows)


async def refresh_ledger(
    law: Law,
    *,
    all_cases: bool = False,
    limit: int | None = None,
    on_progress: Progress | None = None,
    now: datetime | None = None,
    batch: int = 200,
) -> int:
    """Re-judge the marked cases (every case with ``all_cases``), at most ``limit`` of them;
    returns how many were re-judged."""
    if all_cases:
        await DutyLedgerMark.bulk_create(
            [DutyLedgerMark(case_id=i) for i in await Case.all().values_list("id", flat=True)]
        )
    total = await pending_refresh()
    if limit is not None:
        total = min(total, limit)
    context = await law.context()
    done = 0
    if on_progress:
        on_progress(done, total)
    while done < total:
        ids = await (
            DutyLedgerMark.all()
            .distinct()
            .order_by("case_id")
            .limit(min(batch, total - done))
            .values_list("case_id", flat=True)
        )
        if not ids:
            break
        for case_id in ids:
            await refresh_case(int(str(case_id)), context, now=now)
            done += 1
            if on_progress:
                on_progress(done, total)
    return done


async def keep_current(law: Law, stop: asyncio.Event, interval_seconds: float = 30.0) -> None:
    """Re-judge the marked cases every ``interval_seconds`` until ``stop`` (`lawmeet worker`),
    so reports rarely find work left to do."""
    while not stop.is_set():
        try:
            done = await refresh_ledger(law, limit=5000)
            if done:
                log.info("duty ledger: %d cases re-judged", done)
        except Exception:  # a bad case must not stop notice delivery beside it
            log.exception("duty ledger refresh failed")
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval_seconds)


async def refresh_case(case_id: int, context: LegalContext, *, now: datetime | None = None) -> None:
    """Replace one case's ledger rows by its checklist as judged now."""
    now = now or clock.now()
    async with in_transaction() as connection:
        await _lock_case(connection, case_id)
        marks = [
            int(str(m))
            for m in await DutyLedgerMark.filter(case_id=case_id)
            .using_db(connection)
            .values_list("id", flat=True)
        ]
        case = await Case.filter(id=case_id).using_db(connection).prefetch_related("agency").first()
        rows: list[DutyRecord] = []
        if case is not None:
            timeline = await load_timeline(case)
            results = evaluate(timeline, now, load_catalogue(), context.calendar, context.policies)
            rows = await _records(case, timeline, results, now)
            await DutyRecord.filter(case_id=case_id).using_db(connection).delete()
            await DutyRecord.bulk_create(rows, using_db=connection)
        for chunk in _chunks(marks, 500):
            await DutyLedgerMark.filter(id__in=chunk).using_db(connection).delete()


async def _lock_case(connection: BaseDBAsyncClient, case_id: int) -> None:
    if connection.capabilities.dialect == "postgres":
        await connection.execute_query(
            "SELECT id FROM criminal_case WHERE id = $1 FOR NO KEY UPDATE", [case_id]
        )
    # SQLite: one writer at a time; the transaction's first write takes the database lock.


@dataclass(frozen=True, slots=True)
class _Place:
    facility_id: int | None
    zone: ZoneInfo


async def _records(
    case: Case, timeline: CaseTimeline, results: Sequence[DutyResult], now: datetime
) -> list[DutyRecord]:
    link = (
        await CaseDetainee.filter(case_id=case.id)
        .order_by("id")
        .prefetch_related("detainee")
        .first()
    )
    home = _Place(link.detainee.facility_id if link else None, ZoneInfo(timeline.timezone))
    requests = {
        r["id"]: r
        for r in await MeetingRequest.filter(engagement__case_id=case.id).values(
            "id", "facility_id", "requested_at"
        )
    }
    booked: dict[int, datetime] = {}
    for m in await Meeting.filter(
        request_id__in=list(requests), status=MeetingStatus.ACTIVE
    ).values("request_id", "starts_at"):
        first = booked.get(m["request_id"])
        if first is None or m["starts_at"] < first:
            booked[m["request_id"]] = m["starts_at"]
    natural = _natural_times(timeline, case.created_at)
    out: list[DutyRecord] = []
    for r in results:
        kind, _, ident = r.occurrence.partition("/")[0].partition(":")
        request = requests.get(int(ident)) if kind == "request" and ident.isdigit() else None
        if request is not None:
            arose: datetime = request["requested_at"]
        elif r.deadline is not None:
            arose = r.deadline.trigger
        else:
            arose = natural.get(r.occurrence.partition("/")[0], case.created_at)
        facility_id = request["facility_id"] if request else home.facility_id
        local = arose.astimezone(home.zone).date()
        start = booked.get(request["id"]) if request else None
        out.append(
            DutyRecord(
                case_id=case.id,
                duty_id=r.duty_id,
                occurrence=r.occurrence,
                statutory=r.statutory,
                facility_id=facility_id,
                agency_id=case.agency_id,
                region_code=case.agency.region_code,
                arose_us=to_us(arose),
                arose_on=local,
                arose_week=iso_week(local),
                arose_month=f"{local.year:04d}-{local.month:02d}",
                due_us=to_us(r.due_at) if r.due_at else None,
                fulfilled_us=to_us(r.evidence.at) if r.evidence else None,
                settled_status=_settled(r, now),
                request_id=request["id"] if request else None,
                booked_us=to_us(start) if start else None,
                judged_at=now,
            )
        )
    return out


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _settled(result: DutyResult, now: datetime) -> str | None:
    """The status when time alone would not give it (see the module docstring)."""
    if result.status is DutyStatus.NOT_APPLICABLE:
        return result.status.value
    fulfilled = result.evidence.at if result.evidence else None
    by_time = judge(result.due_at, fulfilled, now, timedelta(0))
    same = by_time == result.status or (by_time in _OPEN and result.status in _OPEN)
    return None if same else result.status.value


def _natural_times(timeline: CaseTimeline, fallback: datetime) -> dict[str, datetime]:
    """When each record that can raise a duty came about, keyed as occurrences are."""
    times: dict[str, datetime] = {f"case:{timeline.case.id}": fallback}
    times.update({f"event:{e.id}": e.occurred_at for e in timeline.events})
    times.update({f"submission:{s.id}": s.submitted_at for s in timeline.submissions})
    times.update({f"complaint:{c.id}": c.filed_at for c in timeline.complaints})
    times.update({f"request:{r.id}": r.requested_at for r in timeline.meeting_requests})
    for g in timeline.engagements:
        if g.notice_sent_at or g.terminated_at:
            times[f"engagement:{g.id}"] = g.notice_sent_at or g.terminated_at or fallback
    return times


def _chunks(values: list[int], size: int) -> list[list[int]]:
    return [values[i : i + size] for i in range(0, len(values), size)]
