"""The compliance audit (issue 8): SQL aggregates over the duty ledger, never a Python loop.

Each ledger row (``rights_checklist.ledger``) is one duty of one case as the per-case checklist
judged it: when it arose, when it was due and when (if ever) it was met. The status as of
``now`` follows from those times exactly as ``rights_checklist.timeline.judge`` decides; the
CASE expression ``_STATUS`` is that function in SQL, so the figures and the checklist agree.
The database groups and counts; Python only folds the few grouped rows into the report.
Percentiles are nearest-rank (the ceil(p * n)-th smallest), the same SQL on both databases.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from app.accounts.models import User
from app.accounts.policy import NotFound
from app.accounts.roles import Role
from app.law.context import Law
from app.orgs.models import Agency, Facility
from app.orgs.regions import jurisdiction_prefix
from app.read_replica import ReadSource, read_snapshot
from rights_checklist import ledger
from rights_checklist.compliance_types import (
    AGENCY_FIGURES,
    FACILITY_FIGURES,
    FIGURE_DUTIES,
    AgencyFigures,
    Breach,
    BreachList,
    ComplianceReport,
    FacilityFigures,
    Figure,
    ReadFrom,
    ReasonCount,
    ReportScope,
    Tally,
    TrendPoint,
)

# Cases re-judged before a report at most; the rest is reported as pending_refresh.
REFRESH_LIMIT = 2000
_DUTY_FIGURE = {d: f for f, duties in FIGURE_DUTIES.items() for d in duties}
_ALL_DUTIES = tuple(_DUTY_FIGURE)
_MEETING_DUTIES = FIGURE_DUTIES[Figure.MEETINGS] + FIGURE_DUTIES[Figure.WALK_INS]
_STATUS = """CASE
    WHEN d.settled_status IS NOT NULL THEN d.settled_status
    WHEN d.fulfilled_us IS NOT NULL AND (d.due_us IS NULL OR d.fulfilled_us < d.due_us)
        THEN 'met_on_time'
    WHEN d.fulfilled_us IS NOT NULL THEN 'met_late'
    WHEN d.due_us IS NULL OR d.due_us > {now} THEN 'open'
    ELSE 'missed' END"""
_TALLY_FIELD = {"met_on_time": "met_on_time", "met_late": "met_late", "missed": "missed",
                "open": "open", "pending": "open", "due_soon": "open",
                "not_applicable": "not_applicable"}  # fmt: skip


class _Query:
    """SQL text with placeholders of the connection's dialect and their values, run on the
    report's snapshot (the replica or the primary, ``app.read_replica``)."""

    def __init__(self, db: BaseDBAsyncClient) -> None:
        self.db = db
        self.postgres = db.capabilities.dialect == "postgres"
        self.values: list[Any] = []

    async def rows(self, sql: str) -> list[dict[str, Any]]:
        _, rows = await self.db.execute_query(sql, self.values)
        return [dict(r) for r in rows]

    def param(self, value: Any) -> str:
        if isinstance(value, date) and not self.postgres:
            value = value.isoformat()  # SQLite stores DateField values as ISO text
        self.values.append(value)
        # Numbered on both, so a value may be used twice and in any order of the text.
        return f"${len(self.values)}" if self.postgres else f"?{len(self.values)}"

    def params(self, values: Iterable[Any]) -> str:
        return ", ".join(self.param(v) for v in values)


def scope_for(
    user: User,
    period_from: date,
    period_to: date,
    facility_id: int | None = None,
    agency_id: int | None = None,
) -> ReportScope:
    """The scope ``user`` may audit: an auditor their jurisdiction, an admin everywhere.
    Raises NotFound for a facility or agency outside it (or that does not exist)."""
    jurisdiction = None
    if user.role == Role.BAR_AUDITOR:
        if not user.region_code:
            raise NotFound("no jurisdiction")
        jurisdiction = jurisdiction_prefix(user.region_code)
    return ReportScope(period_from, period_to, jurisdiction, facility_id, agency_id)


async def check_scope(scope: ReportScope) -> None:
    """NotFound unless the scope's facility and agency exist within its jurisdiction."""
    prefix = scope.jurisdiction or ""
    if (
        scope.facility_id is not None
        and not await Facility.filter(id=scope.facility_id, region_code__startswith=prefix).exists()
    ):
        raise NotFound("facility")
    if (
        scope.agency_id is not None
        and not await Agency.filter(id=scope.agency_id, region_code__startswith=prefix).exists()
    ):
        raise NotFound("agency")


def _where(q: _Query, scope: ReportScope, duties: Sequence[str]) -> str:
    parts = [
        f"d.arose_on >= {q.param(scope.period_from)}",
        f"d.arose_on <= {q.param(scope.period_to)}",
        f"d.duty_id IN ({q.params(duties)})",
    ]
    if scope.jurisdiction:
        parts.append(f"d.region_code LIKE {q.param(scope.jurisdiction + '%')}")
    if scope.facility_id is not None:
        parts.append(f"d.facility_id = {q.param(scope.facility_id)}")
    if scope.agency_id is not None:
        parts.append(f"d.agency_id = {q.param(scope.agency_id)}")
    return " AND ".join(parts)


class _Tallies:
    """Grouped counts folded into Tally values per key and figure."""

    def __init__(self) -> None:
        self.counts: dict[tuple[Any, Figure], dict[str, int]] = defaultdict(
            lambda: defaultdict(int)
        )

    def add(self, key: Any, duty_id: str, status: str, n: int) -> None:
        self.counts[(key, _DUTY_FIGURE[duty_id])][_TALLY_FIELD[status]] += int(n)

    def get(self, key: Any, figure: Figure) -> Tally:
        return Tally(**self.counts.get((key, figure), {}))

    def keys(self) -> set[Any]:
        return {k for k, _ in self.counts}


async def compliance_report(
    scope: ReportScope, *, refresh_by: Law | None, now: datetime | None = None
) -> ComplianceReport:
    """Every figure of ``scope`` judged as of ``now`` (default: the moment the data read is
    current to: the current time on the primary, the replay time on a lagging replica). With
    ``refresh_by``, the cases changed since the ledger last judged them are judged first (on
    the primary: it writes)."""
    if refresh_by is not None:
        await ledger.refresh_ledger(refresh_by, limit=REFRESH_LIMIT, now=now)

    async def judge(db: BaseDBAsyncClient, source: ReadSource) -> ComplianceReport:
        return await _report(db, scope, now or source.as_of, _read_from(source))

    return await read_snapshot(judge)


def _read_from(source: ReadSource) -> ReadFrom:
    if source.replica:
        return ReadFrom.REPLICA
    return ReadFrom.PRIMARY_FALLBACK if source.replica_configured else ReadFrom.PRIMARY


async def _report(
    db: BaseDBAsyncClient, scope: ReportScope, now: datetime, read_from: ReadFrom
) -> ComplianceReport:
    now_us = ledger.to_us(now)
    by_place = await _tallies_by_place(db, scope, now_us)
    facilities, agencies, totals = _Tallies(), _Tallies(), _Tallies()
    for row in by_place:
        duty, status, n = row["duty_id"], row["status"], row["n"]
        totals.add(None, duty, status, n)
        if _DUTY_FIGURE[duty] in FACILITY_FIGURES and row["facility_id"] is not None:
            facilities.add(row["facility_id"], duty, status, n)
        if _DUTY_FIGURE[duty] in AGENCY_FIGURES and row["agency_id"] is not None:
            agencies.add(row["agency_id"], duty, status, n)
    hours = await _meeting_hours(db, scope)
    outcomes = await _request_outcomes(db, scope)
    forecasts = await _forecasts(db, scope, now_us)
    kinds = await _request_kinds(db, scope)
    offered = await _offers(db, scope)
    facility_ids = facilities.keys() | set(outcomes) | set(hours) | set(forecasts) | set(kinds)
    names = dict(await Facility.filter(id__in=facility_ids).using_db(db).values_list("id", "name"))
    agency_names = dict(
        await Agency.filter(id__in=agencies.keys()).using_db(db).values_list("id", "name")
    )
    facility_rows = [
        FacilityFigures(
            facility_id=fid,
            name=str(names.get(fid, fid)),
            tallies={f: facilities.get(fid, f) for f in FACILITY_FIGURES},
            median_hours=hours.get(fid, (None, None))[0],
            p90_hours=hours.get(fid, (None, None))[1],
            refusals=sum(c.count for c in outcomes.get(fid, {}).get("refused", ())),
            refusal_reasons=tuple(outcomes.get(fid, {}).get("refused", ())),
            facility_cancellations=sum(
                c.count for c in outcomes.get(fid, {}).get("cancelled_by_facility", ())
            ),
            breach_forecasts=forecasts.get(fid, 0),
            video_meetings=kinds.get(fid, (0, 0))[0],
            priority_meetings=kinds.get(fid, (0, 0))[1],
            offers_made=sum(offered.get(fid, {}).values()),
            offers_accepted=offered.get(fid, {}).get("accepted", 0),
            offers_expired=offered.get(fid, {}).get("expired", 0),
        )
        for fid in facility_ids
    ]
    agency_rows = [
        AgencyFigures(aid, str(agency_names.get(aid, aid)),
                      {f: agencies.get(aid, f) for f in AGENCY_FIGURES})
        for aid in agencies.keys()  # noqa: SIM118 (a method of _Tallies, not a dict)
    ]  # fmt: skip
    return ComplianceReport(
        scope=scope,
        generated_at=now,
        totals={f: totals.get(None, f) for f in Figure},
        facilities=tuple(sorted(facility_rows, key=lambda r: (r.name, r.facility_id))),
        agencies=tuple(sorted(agency_rows, key=lambda r: (r.name, r.agency_id))),
        weekly=await _trend(db, scope, now_us, "arose_week"),
        monthly=await _trend(db, scope, now_us, "arose_month"),
        pending_refresh=await ledger.pending_refresh(db),
        demo_history_cases=await _demo_history_cases(db, scope),
        read_from=read_from,
    )


async def _demo_history_cases(db: BaseDBAsyncClient, scope: ReportScope) -> int:
    """Cases of the demo history (written outside the services) with a duty in ``scope``.
    Outside a demo no case is flagged, and the count reads the flagged cases only."""
    q = _Query(db)
    where = _where(q, scope, _ALL_DUTIES)
    rows = await q.rows(
        "SELECT COUNT(*) AS n FROM criminal_case c WHERE c.demo_history = "
        f"{q.param(True)} AND EXISTS (SELECT 1 FROM duty_record d"
        f" WHERE d.case_id = c.id AND {where})",
    )
    return int(rows[0]["n"])


async def _tallies_by_place(
    db: BaseDBAsyncClient, scope: ReportScope, now_us: int
) -> list[dict[str, Any]]:
    q = _Query(db)
    status = _STATUS.format(now=q.param(now_us))
    return await q.rows(
        f"SELECT d.duty_id, d.facility_id, d.agency_id, {status} AS status, COUNT(*) AS n"
        f" FROM duty_record d WHERE {_where(q, scope, _ALL_DUTIES)}"
        " GROUP BY d.duty_id, d.facility_id, d.agency_id, status",
    )


async def _trend(
    db: BaseDBAsyncClient, scope: ReportScope, now_us: int, bucket: str
) -> tuple[TrendPoint, ...]:
    q = _Query(db)
    status = _STATUS.format(now=q.param(now_us))
    rows = await q.rows(
        f"SELECT d.{bucket} AS bucket, d.duty_id, {status} AS status, COUNT(*) AS n"
        f" FROM duty_record d WHERE {_where(q, scope, _ALL_DUTIES)}"
        f" GROUP BY d.{bucket}, d.duty_id, status",
    )
    tallies = _Tallies()
    for row in rows:
        tallies.add(row["bucket"], row["duty_id"], row["status"], row["n"])
    order = list(Figure)
    return tuple(
        TrendPoint(bucket, figure, tallies.get(bucket, figure))
        for bucket, figure in sorted(tallies.counts, key=lambda k: (k[0], order.index(k[1])))
    )


async def _meeting_hours(
    db: BaseDBAsyncClient, scope: ReportScope
) -> dict[int, tuple[float | None, float | None]]:
    """Median and 90th percentile of request-to-meeting hours per facility (met requests)."""
    q = _Query(db)
    where = _where(q, scope, _MEETING_DUTIES)
    rows = await q.rows(
        "SELECT facility_id, rn, n, us FROM ("
        " SELECT d.facility_id, d.fulfilled_us - d.arose_us AS us,"
        "  ROW_NUMBER() OVER (PARTITION BY d.facility_id"
        "   ORDER BY d.fulfilled_us - d.arose_us, d.id) AS rn,"
        "  COUNT(*) OVER (PARTITION BY d.facility_id) AS n"
        f" FROM duty_record d WHERE {where} AND d.fulfilled_us IS NOT NULL"
        "  AND d.settled_status IS NULL AND d.facility_id IS NOT NULL) ranked"
        " WHERE rn = (n * 50 + 99) / 100 OR rn = (n * 90 + 99) / 100",
    )
    out: dict[int, list[float | None]] = defaultdict(lambda: [None, None])
    for row in rows:
        n, rn, hours = int(row["n"]), int(row["rn"]), int(row["us"]) / 3_600_000_000
        if rn == (n * 50 + 99) // 100:
            out[row["facility_id"]][0] = round(hours, 1)
        if rn == (n * 90 + 99) // 100:
            out[row["facility_id"]][1] = round(hours, 1)
    return {k: (v[0], v[1]) for k, v in out.items()}


async def _request_outcomes(
    db: BaseDBAsyncClient, scope: ReportScope
) -> dict[int, dict[str, list[ReasonCount]]]:
    """Refusals (status refused, with their stated reasons) and requests whose meeting the
    facility cancelled (the request goes back to scheduling and keeps the reason), per
    facility."""
    q = _Query(db)
    where = _where(q, scope, _MEETING_DUTIES)
    rows = await q.rows(
        "SELECT d.facility_id, 'refused' AS outcome, r.refusal_reason AS reason, COUNT(*) AS n"
        " FROM duty_record d JOIN meeting_request r ON r.id = d.request_id"
        f" WHERE {where} AND r.status = 'refused' GROUP BY d.facility_id, r.refusal_reason"
        " UNION ALL"
        " SELECT d.facility_id, 'cancelled_by_facility', r.facility_cancel_reason, COUNT(*)"
        " FROM duty_record d JOIN meeting_request r ON r.id = d.request_id"
        f" WHERE {where} AND (r.facility_cancel_reason <> ''"
        "  OR r.status = 'cancelled_by_facility')"
        " GROUP BY d.facility_id, r.facility_cancel_reason",
    )
    out: dict[int, dict[str, list[ReasonCount]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        reason = ReasonCount(row["reason"] or "", int(row["n"]))
        out[row["facility_id"]][row["outcome"]].append(reason)
    for per_outcome in out.values():
        for counts in per_outcome.values():
            counts.sort(key=lambda c: (-c.count, c.reason))
    return out


async def _request_kinds(db: BaseDBAsyncClient, scope: ReportScope) -> dict[int, tuple[int, int]]:
    """Per facility: the requests of the period for a video meeting, and the priority ones."""
    q = _Query(db)
    where = _where(q, scope, _MEETING_DUTIES)
    rows = await q.rows(
        "SELECT d.facility_id,"
        " COUNT(DISTINCT CASE WHEN r.room_kind = 'video_link' THEN r.id END) AS video,"
        " COUNT(DISTINCT CASE WHEN r.purpose <> 'ordinary' THEN r.id END) AS priority"
        " FROM duty_record d JOIN meeting_request r ON r.id = d.request_id"
        f" WHERE {where} AND d.facility_id IS NOT NULL GROUP BY d.facility_id",
    )
    return {row["facility_id"]: (int(row["video"]), int(row["priority"])) for row in rows}


async def _offers(db: BaseDBAsyncClient, scope: ReportScope) -> dict[int, dict[str, int]]:
    """Per facility: the waitlist's offers to the period's requests, by how they ended."""
    q = _Query(db)
    where = _where(q, scope, _MEETING_DUTIES)
    rows = await q.rows(
        "SELECT d.facility_id, o.status, COUNT(DISTINCT o.id) AS n"
        " FROM duty_record d JOIN slot_offer o ON o.request_id = d.request_id"
        f" WHERE {where} AND d.facility_id IS NOT NULL GROUP BY d.facility_id, o.status",
    )
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        out[row["facility_id"]][row["status"]] = int(row["n"])
    return out


async def _forecasts(db: BaseDBAsyncClient, scope: ReportScope, now_us: int) -> dict[int, int]:
    """Open requests with no meeting booked before their deadline, per facility."""
    q = _Query(db)
    now = q.param(now_us)
    where = _where(q, scope, _MEETING_DUTIES)
    rows = await q.rows(
        "SELECT d.facility_id, COUNT(*) AS n FROM duty_record d"
        f" WHERE {where} AND d.settled_status IS NULL AND d.fulfilled_us IS NULL"
        f" AND d.due_us IS NOT NULL AND d.due_us > {now}"
        " AND (d.booked_us IS NULL OR d.booked_us >= d.due_us) GROUP BY d.facility_id",
    )
    return {row["facility_id"]: int(row["n"]) for row in rows if row["facility_id"] is not None}


async def breach_list(
    scope: ReportScope,
    figure: Figure | None = None,
    *,
    now: datetime | None = None,
    limit: int = 200,
    offset: int = 0,
    refresh_by: Law | None,
) -> BreachList:
    """The duties of ``scope`` (and ``figure``; None: every figure) met late or missed, oldest
    first, and how many there are in all (``refresh_by`` and ``now`` as for
    ``compliance_report``)."""
    if refresh_by is not None:
        await ledger.refresh_ledger(refresh_by, limit=REFRESH_LIMIT, now=now)

    async def judge(db: BaseDBAsyncClient, source: ReadSource) -> BreachList:
        at = now or source.as_of
        rows, total = await _breaches(db, scope, figure, ledger.to_us(at), limit, offset)
        return BreachList(rows, total, at, _read_from(source))

    return await read_snapshot(judge)


async def _breaches(
    db: BaseDBAsyncClient,
    scope: ReportScope,
    figure: Figure | None,
    now_us: int,
    limit: int,
    offset: int,
) -> tuple[list[Breach], int]:
    duties = FIGURE_DUTIES[figure] if figure else _ALL_DUTIES
    q = _Query(db)
    status = _STATUS.format(now=q.param(now_us))
    where = f"{_where(q, scope, duties)} AND {status} IN ('missed', 'met_late')"
    count = await q.rows(f"SELECT COUNT(*) AS n FROM duty_record d WHERE {where}")
    lim, off = q.param(limit), q.param(offset)
    rows = await q.rows(
        f"SELECT d.case_id, c.case_number, d.duty_id, d.occurrence, {status} AS status,"
        " d.facility_id, f.name AS facility_name, d.agency_id, a.name AS agency_name,"
        " d.arose_us, d.due_us, d.fulfilled_us, c.demo_history FROM duty_record d"
        " JOIN criminal_case c ON c.id = d.case_id"
        " LEFT JOIN facility f ON f.id = d.facility_id"
        " LEFT JOIN agency a ON a.id = d.agency_id"
        f" WHERE {where} ORDER BY d.arose_us, d.id LIMIT {lim} OFFSET {off}",
    )
    return [_breach(row, now_us) for row in rows], int(count[0]["n"])


def _breach(row: dict[str, Any], now_us: int) -> Breach:
    due, done = row["due_us"], row["fulfilled_us"]
    late = None if due is None else max(0, (done if done is not None else now_us) - due)
    return Breach(
        case_id=row["case_id"],
        case_number=row["case_number"],
        duty_id=row["duty_id"],
        occurrence=row["occurrence"],
        status=row["status"],
        facility_id=row["facility_id"],
        facility_name=row["facility_name"] or "",
        agency_id=row["agency_id"],
        agency_name=row["agency_name"] or "",
        arose_at=ledger.from_us(row["arose_us"]),
        due_at=ledger.from_us(due) if due is not None else None,
        fulfilled_at=ledger.from_us(done) if done is not None else None,
        hours_late=round(late / 3_600_000_000, 1) if late is not None else None,
        demo_history=bool(row["demo_history"]),
    )
