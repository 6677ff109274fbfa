"""Benchmark: the full-jurisdiction compliance report for one year over 1,000,000 ledger rows.

    .venv/bin/python -m bench.compliance_report [--cases 100000] [--meetings 500000] [--runs 5]

Loads ``bench/compliance_data.py`` (100,000 cases, 500,000 meeting requests and meetings,
about 1,000,000 ``duty_record`` rows) into a fresh PostgreSQL database, then, for the Beijing
jurisdiction (region prefix 11) and the last 365 days:

* report: ``rights_checklist.compliance.compliance_report(scope)`` through Tortoise, as the
  dashboard and the command call it (ledger refresh included: nothing is marked);
* sql: the same figures by hand-written SQL with raw asyncpg (one scan counting every tally at
  the finest grain, rolled up by GROUPING SETS; ordered-set percentiles; the refusals and
  forecasts); checked to give exactly the report's numbers;
* command: ``lawmeet report compliance`` as a subprocess writing CSV; its peak RSS from
  ``getrusage(RUSAGE_CHILDREN)``.

Runs are interleaved (report, sql, report, ...) after one warm-up each. Targets (issue #8):
report < 3 s, within 2x of the SQL, command peak RSS < 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

import asyncpg  # type: ignore[import-untyped]  # no stubs in the dev extra
from tortoise import Tortoise

from app import db
from app.law.context import Law
from app.settings import LegalSection
from bench import compliance_data
from bench._support import fresh_database, machine, percentile
from rights_checklist.compliance import compliance_report
from rights_checklist.compliance_types import (
    AGENCY_FIGURES,
    FACILITY_FIGURES,
    FIGURE_DUTIES,
    ComplianceReport,
    ReportScope,
    Tally,
)
from rights_checklist.ledger import to_us

JURISDICTION: Final = "11"
LAW: Final = Law.from_settings(LegalSection())
DUTY_FIGURE: Final = {d: f.value for f, ds in FIGURE_DUTIES.items() for d in ds}
FIELD: Final = {"met_on_time": 0, "met_late": 1, "missed": 2, "open": 3, "not_applicable": 4}
_STATUS: Final = """CASE WHEN settled_status IS NOT NULL THEN settled_status
    WHEN fulfilled_us IS NOT NULL AND (due_us IS NULL OR fulfilled_us < due_us) THEN 'met_on_time'
    WHEN fulfilled_us IS NOT NULL THEN 'met_late'
    WHEN due_us IS NULL OR due_us > $4 THEN 'open' ELSE 'missed' END"""
_WHERE: Final = "arose_on BETWEEN $1 AND $2 AND region_code LIKE $3 AND duty_id = ANY($5)"
SQL_TALLIES: Final = f"""
WITH fine AS (
    SELECT duty_id, facility_id, agency_id, arose_week, arose_month, {_STATUS} AS status,
           COUNT(*) AS n
    FROM duty_record WHERE {_WHERE} GROUP BY 1, 2, 3, 4, 5, 6)
SELECT GROUPING(facility_id, agency_id, arose_week, arose_month) AS g, duty_id, facility_id,
       agency_id, arose_week, arose_month, status, SUM(n)::bigint AS n
FROM fine
GROUP BY GROUPING SETS ((duty_id, status), (duty_id, facility_id, status),
    (duty_id, agency_id, status), (arose_week, duty_id, status), (arose_month, duty_id, status))
"""
SQL_HOURS: Final = f"""
SELECT facility_id, percentile_disc(0.5) WITHIN GROUP (ORDER BY fulfilled_us - arose_us) AS p50,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY fulfilled_us - arose_us) AS p90
FROM duty_record WHERE {_WHERE} AND $4::bigint IS NOT NULL AND fulfilled_us IS NOT NULL
    AND settled_status IS NULL AND facility_id IS NOT NULL
GROUP BY facility_id
"""
SQL_REQUESTS: Final = f"""
SELECT d.facility_id, r.status, COUNT(*) AS n
FROM duty_record d JOIN meeting_request r ON r.id = d.request_id
WHERE {
    _WHERE.replace("arose_on", "d.arose_on")
    .replace("region_code", "d.region_code")
    .replace("duty_id", "d.duty_id")
} AND $4::bigint IS NOT NULL
    AND r.status IN ('refused', 'cancelled_by_facility')
GROUP BY d.facility_id, r.status
"""
SQL_FORECASTS: Final = f"""
SELECT facility_id, COUNT(*) AS n FROM duty_record
WHERE {_WHERE} AND settled_status IS NULL AND fulfilled_us IS NULL AND due_us IS NOT NULL
    AND due_us > $4 AND (booked_us IS NULL OR booked_us >= due_us) AND facility_id IS NOT NULL
GROUP BY facility_id
"""
Figures = dict[tuple[Any, ...], Any]


def _tally(t: Tally) -> tuple[int, ...]:
    return (t.met_on_time, t.met_late, t.missed, t.open, t.not_applicable)


def figures_of(report: ComplianceReport) -> Figures:
    """Every number of the report, keyed for comparison (all-zero tallies left out)."""
    out: Figures = {}
    for figure, t in report.totals.items():
        out[("total", figure.value)] = _tally(t)
    for f in report.facilities:
        for figure, t in f.tallies.items():
            out[("facility", f.facility_id, figure.value)] = _tally(t)
        out[("hours", f.facility_id)] = (f.median_hours, f.p90_hours)
        out[("refused", f.facility_id)] = f.refusals
        out[("cancelled", f.facility_id)] = f.facility_cancellations
        out[("forecasts", f.facility_id)] = f.breach_forecasts
    for a in report.agencies:
        for figure, t in a.tallies.items():
            out[("agency", a.agency_id, figure.value)] = _tally(t)
    for grain, points in (("week", report.weekly), ("month", report.monthly)):
        for p in points:
            out[(grain, p.bucket, p.figure.value)] = _tally(p.tally)
    return {k: v for k, v in out.items() if v not in ((0, 0, 0, 0, 0), 0, (None, None))}


async def sql_figures(pool: asyncpg.Pool, scope: ReportScope, now: datetime) -> Figures:
    """The same numbers by hand-written SQL: four statements over one connection."""
    args = (scope.period_from, scope.period_to, f"{JURISDICTION}%", to_us(now))
    duties = list(DUTY_FIGURE)
    meeting_duties = [*FIGURE_DUTIES[FACILITY_FIGURES[0]], *FIGURE_DUTIES[FACILITY_FIGURES[1]]]
    async with pool.acquire() as c:
        tallies = await c.fetch(SQL_TALLIES, *args, duties)
        hours = await c.fetch(SQL_HOURS, *args, meeting_duties)
        requests = await c.fetch(SQL_REQUESTS, *args, meeting_duties)
        forecasts = await c.fetch(SQL_FORECASTS, *args, meeting_duties)
    counts: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0] * 5)
    facility_figures = {f.value for f in FACILITY_FIGURES}
    agency_figures = {f.value for f in AGENCY_FIGURES}
    for r in tallies:
        figure, i = DUTY_FIGURE[r["duty_id"]], FIELD[r["status"]]
        g = r["g"]  # bits: facility 8, agency 4, week 2, month 1 (1 = not grouped by it)
        if g == 0b1111:
            key: tuple[Any, ...] = ("total", figure)
        elif g == 0b0111:
            if r["facility_id"] is None or figure not in facility_figures:
                continue
            key = ("facility", r["facility_id"], figure)
        elif g == 0b1011:
            if r["agency_id"] is None or figure not in agency_figures:
                continue
            key = ("agency", r["agency_id"], figure)
        elif g == 0b1101:
            key = ("week", r["arose_week"], figure)
        else:
            key = ("month", r["arose_month"], figure)
        counts[key][i] += r["n"]
    out: Figures = {k: tuple(v) for k, v in counts.items()}
    for r in hours:
        out[("hours", r["facility_id"])] = (round(r["p50"] / 3.6e9, 1), round(r["p90"] / 3.6e9, 1))
    for r in requests:
        label = "refused" if r["status"] == "refused" else "cancelled"
        out[(label, r["facility_id"])] = r["n"]
    for r in forecasts:
        out[("forecasts", r["facility_id"])] = r["n"]
    return {k: v for k, v in out.items() if v not in ((0, 0, 0, 0, 0), 0)}


def differences(a: Figures, b: Figures) -> list[str]:
    keys = sorted(set(a) | set(b), key=repr)
    return [f"{k}: report {a.get(k)} sql {b.get(k)}" for k in keys if a.get(k) != b.get(k)]


def run_command(url: str, scope: ReportScope) -> dict[str, Any]:
    """`lawmeet report compliance` as a child process: seconds, peak RSS, output size."""
    with tempfile.TemporaryDirectory() as folder:
        output = os.path.join(folder, "report.csv")
        env = {**os.environ, "LAWMEET_DATABASE__URL": url, "LAWMEET_APP__DATA_DIR": folder,
               "LAWMEET_LOGGING__LEVEL": "WARNING"}  # fmt: skip
        command = [os.path.join(os.path.dirname(sys.executable), "lawmeet"), "report",
                   "compliance", "--from", scope.period_from.isoformat(), "--to",
                   scope.period_to.isoformat(), "--jurisdiction", JURISDICTION, "--format",
                   "csv", "--output", output]  # fmt: skip
        start = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        size = os.path.getsize(output) if os.path.exists(output) else 0
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the only child
    return {"exit_code": done.returncode, "seconds": round(seconds, 2),
            "peak_rss_mb": round(peak_kib / 1024, 1), "output_bytes": size,
            "stderr_tail": done.stderr[-500:]}  # fmt: skip


async def main(args: argparse.Namespace) -> None:
    async with fresh_database("compliance", keep=args.keep) as url:
        result: dict[str, Any] = {"machine": await machine(url)}
        raw_url = url.replace("postgres://", "postgresql://")
        connection = await asyncpg.connect(raw_url)
        try:
            result["load_seconds"] = await compliance_data.load(
                connection, args.cases, args.meetings
            )
            result["data"] = {
                t: await connection.fetchval(f"SELECT count(*) FROM {t}")
                for t in ("criminal_case", "meeting_request", "meeting", "duty_record")
            }
        finally:
            await connection.close()
        if args.plan_cache_mode:  # for every later connection of this database
            name = url.rsplit("/", 1)[1]
            admin = await asyncpg.connect(raw_url)
            try:
                await admin.execute(
                    f"ALTER DATABASE \"{name}\" SET plan_cache_mode = '{args.plan_cache_mode}'"
                )
            finally:
                await admin.close()
            result["plan_cache_mode"] = args.plan_cache_mode
        today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
        scope = ReportScope(today - timedelta(days=364), today, JURISDICTION)
        result["scope"] = {"from": str(scope.period_from), "to": str(scope.period_to),
                           "jurisdiction": JURISDICTION}  # fmt: skip
        result.update(await _timed(url, raw_url, scope, args.runs))
        result["command"] = run_command(url, scope)
        result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        print(json.dumps(result, indent=2, ensure_ascii=False))


async def _timed(url: str, raw_url: str, scope: ReportScope, runs: int) -> dict[str, Any]:
    await Tortoise.init(config=db.tortoise_config(url))
    pool = await asyncpg.create_pool(raw_url, min_size=1, max_size=1)
    report_s: list[float] = []
    sql_s: list[float] = []
    mismatches: list[str] = []
    try:
        for run in range(runs + 1):  # run 0 warms up both
            now = datetime.now(UTC)
            start = time.perf_counter()
            report = await compliance_report(scope, refresh_by=LAW, now=now)
            took = time.perf_counter() - start
            start = time.perf_counter()
            baseline = await sql_figures(pool, scope, now)
            took_sql = time.perf_counter() - start
            if run:
                report_s.append(took)
                sql_s.append(took_sql)
            mismatches = differences(figures_of(report), baseline)
    finally:
        await pool.close()
        await Tortoise.close_connections()
    p50, p50_sql = percentile(report_s, 50), percentile(sql_s, 50)
    return {
        "runs": runs,
        "report_seconds": [round(s, 3) for s in report_s],
        "sql_seconds": [round(s, 3) for s in sql_s],
        "report_p50_s": round(p50, 3),
        "report_max_s": round(max(report_s), 3),
        "sql_p50_s": round(p50_sql, 3),
        "sql_max_s": round(max(sql_s), 3),
        "report_to_sql_p50": round(p50 / p50_sql, 2),
        "figures_compared": len(figures_of(report)),
        "mismatches": mismatches[:20],
        "mismatch_count": len(mismatches),
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--meetings", type=int, default=500_000, help="at most 5 per case")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database (name printed)")
    parser.add_argument(
        "--plan-cache-mode",
        choices=("auto", "force_custom_plan", "force_generic_plan"),
        help="PostgreSQL plan_cache_mode for the bench database (default: the server's, auto)",
    )
    return parser


if __name__ == "__main__":
    asyncio.run(main(_parser().parse_args()))
