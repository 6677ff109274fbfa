"""A year of compliance history generated on the PostgreSQL server (INSERT ... SELECT
generate_series), for the compliance-report benchmark.

``FACILITIES`` centres of 30 rooms each, ``AGENCIES`` agencies (every tenth in Tianjin, region
12, so a Beijing report leaves it out), one lawyer per room, ``cases`` cases of one detainee
and one engagement, five meeting requests per case and one meeting per request. A case's
room, lawyer and detainee share a "partition" (case modulo the number of rooms) and its
requests sit two days apart in the partition's sequence, each met 1 to 46 hours after it was
asked, so no two active meetings of a room, lawyer or detainee overlap: the EXCLUDE
constraints of migration 0007 stay in force during the load.

The duty ledger (``duty_record``) gets one row per request (M1, or M2 for a walk-in) and five
per case (N1, N2, N6, K1 and one of O1, O2, C1, C2, M5, N4, N3, N5), with times and outcomes
drawn by hashing the ids: mostly met on time, some late, some missed, some not applicable,
the recent ones still open. Triggers are off during the load (``session_replication_role``),
so migration 0012 marks nothing: the ledger is loaded as if just judged.
"""

from __future__ import annotations

import time
from typing import Final

import asyncpg  # type: ignore[import-untyped]  # no stubs in the dev extra

FACILITIES: Final = 100
ROOMS_PER_FACILITY: Final = 30
AGENCIES: Final = 50
REQUESTS_PER_CASE: Final = 5
SPACING_DAYS: Final = 2  # between the requests of one partition

_US = "(extract(epoch FROM {t}) * 1000000)::bigint"
_LOCAL = "({t} AT TIME ZONE 'Asia/Shanghai')"
_BUCKETS = (
    "({l})::date, to_char({l}, 'IYYY-\"W\"IW'), to_char({l}, 'YYYY-MM')"  # arose_on, week, month
)

ORGANISATIONS: Final = """
INSERT INTO facility (id, name, region_code, timezone, address, phone, created_at)
SELECT g, 'bench facility ' || g, '11' || lpad((g % 16 + 1)::text, 2, '0') || '00',
       'Asia/Shanghai', '', '', now() FROM generate_series(1, {facilities}) g;
INSERT INTO agency (id, name, region_code, address, phone, created_at)
SELECT g, 'bench agency ' || g,
       CASE WHEN g % 10 = 0 THEN '120100' ELSE '11' || lpad((g % 16 + 1)::text, 2, '0') || '00' END,
       '', '', now() FROM generate_series(1, {agencies}) g;
INSERT INTO room (id, facility_id, name, kind, in_service)
SELECT g, (g - 1) / {per} + 1, 'room ' || g, 'in_person', true FROM generate_series(1, {rooms}) g;
INSERT INTO user_account (id, username, display_name, email, phone, role, status, password_hash,
                          law_firm, region_code, created_at, updated_at)
SELECT g, 'bench-lawyer-' || g, 'lawyer ' || g, '', '', 'lawyer', 'active', '!bench-no-login',
       '', '110100', now(), now() FROM generate_series(1, {rooms}) g;
"""
CASES: Final = """
INSERT INTO criminal_case (id, agency_id, case_number, category, stage, suspected_charges,
                           created_at, updated_at)
SELECT g, g % {agencies} + 1, 'BENCH-' || g,
       CASE WHEN g % 20 = 0 THEN 'state_security' ELSE 'ordinary' END, 'investigation', '',
       now(), now() FROM generate_series(1, {cases}) g;
INSERT INTO detainee (id, name, id_number, facility_id, custody_status, admitted_at, created_at)
SELECT g, 'detainee ' || g, 'BENCH' || g, ((g - 1) % {rooms}) / {per} + 1, 'in_custody', now(),
       now() FROM generate_series(1, {cases}) g;
INSERT INTO case_detainee (case_id, detainee_id) SELECT g, g FROM generate_series(1, {cases}) g;
INSERT INTO engagement (id, lawyer_id, case_id, detainee_id, kind, status, created_at,
                        activated_at, notice_sent_at)
SELECT g, (g - 1) % {rooms} + 1, g, g, 'retained', 'active', now(), now(), now()
FROM generate_series(1, {cases}) g;
"""
# One row per request: i, its case c, partition p, asked at t, status, hashed h.
_REQUESTS = """
SELECT i, c, p, t, h,
       CASE WHEN i % 100 < 3 THEN 'refused' WHEN i % 100 < 5 THEN 'cancelled_by_facility'
            WHEN i % 100 < 7 THEN 'cancelled_by_lawyer' ELSE 'completed' END AS status,
       interval '1 hour' * (1 + (i * 37) % 46) AS delay
FROM (SELECT i, (i - 1) / {rpc} + 1 AS c, ((i - 1) / {rpc}) % {rooms} AS p, (i * 7) % 100 AS h,
             {base} + interval '{spacing} days'
                 * (((i - 1) / {rpc} / {rooms}) * {rpc} + (i - 1) % {rpc})
                 + interval '1 hour' * (1 + ((i - 1) / {rpc}) % 9) AS t
      FROM generate_series(1, {requests}) i) x
"""
REQUESTS: Final = """
INSERT INTO meeting_request (id, engagement_id, lawyer_id, detainee_id, facility_id,
    requested_at, clock_started_at, deadline_at, preferred_windows, length_minutes, room_kind,
    assistant_name, assistant_id_number, interpreter_needed, walk_in, status, refusal_reason,
    facility_cancel_reason, permission_reasons, created_at)
SELECT i, c, p + 1, c, p / {per} + 1, t, t, t + interval '48 hours', '[]', 60, 'in_person', '',
       '', false, i % 10 = 9, status,
       CASE WHEN status = 'refused' THEN (ARRAY['detainee_transferred', 'detainee_released',
            'engagement_ended', 'lawyer_documents_incomplete: firm letter'])[i % 4 + 1]
            ELSE '' END,
       CASE WHEN status = 'cancelled_by_facility' THEN (ARRAY['room closed', 'staff shortage',
            'interrogation'])[i % 3 + 1] ELSE '' END,
       '', now()
FROM ({requests_sql}) r;
INSERT INTO meeting (id, request_id, room_id, lawyer_id, detainee_id, starts_at, ends_at, status,
    reference, idempotency_key, sequence, uid, created_at, cancelled_at, cancel_reason,
    documents_verified, assistant_present, checked_in_at, started_at, ended_at,
    needs_rebooking)
SELECT i, i, p + 1, p + 1, c, t + delay, t + delay + interval '1 hour',
       CASE WHEN status = 'completed' THEN 'active' ELSE 'cancelled' END,
       upper(lpad(to_hex(i), 8, '0')), NULL, 0, 'bench-' || i || '@lawmeet', now(),
       CASE WHEN status = 'completed' THEN NULL ELSE t END,
       CASE WHEN status = 'completed' THEN '' ELSE 'cancelled' END,
       status = 'completed', false,
       CASE WHEN status = 'completed' THEN t + delay END,
       CASE WHEN status = 'completed' THEN t + delay + interval '5 minutes' END,
       CASE WHEN status = 'completed' THEN t + delay + interval '1 hour' END, false
FROM ({requests_sql}) r WHERE i <= {meetings};
"""
REQUEST_DUTIES: Final = """
INSERT INTO duty_record (case_id, duty_id, occurrence, statutory, facility_id, agency_id,
    region_code, arose_us, arose_on, arose_week, arose_month, due_us, fulfilled_us,
    settled_status, request_id, booked_us, judged_at)
SELECT c, CASE WHEN i % 10 = 9 THEN 'M2' ELSE 'M1' END, 'request:' || i, true, p / {per} + 1,
       a.id, a.region_code, {t_us}, {buckets}, {t_us} + 48 * 3600000000::bigint,
       CASE WHEN status <> 'completed' OR h >= 97 THEN NULL
            WHEN h < 88 THEN {t_us} + (extract(epoch FROM delay) * 1000000)::bigint
            ELSE {t_us} + (49 + h) * 3600000000::bigint END,
       CASE WHEN status IN ('refused', 'cancelled_by_lawyer') THEN 'not_applicable'
            WHEN status = 'cancelled_by_facility' THEN 'missed' END,
       i, CASE WHEN status = 'completed'
               THEN {t_us} + (extract(epoch FROM delay) * 1000000)::bigint END,
       now()
FROM ({requests_sql}) r JOIN agency a ON a.id = c % {agencies} + 1;
"""
CASE_DUTIES: Final = """
INSERT INTO duty_record (case_id, duty_id, occurrence, statutory, facility_id, agency_id,
    region_code, arose_us, arose_on, arose_week, arose_month, due_us, fulfilled_us,
    settled_status, judged_at)
SELECT c, duty, duty || ':' || c, true, ((c - 1) % {rooms}) / {per} + 1, a.id, a.region_code,
       {t_us}, {buckets}, {t_us} + period,
       CASE WHEN h >= 92 THEN NULL WHEN h < 84 THEN {t_us} + period * 2 / 5
            ELSE {t_us} + period + (h + 1) * 3600000000::bigint END,
       CASE WHEN h >= 97 THEN 'not_applicable' END, now()
FROM (SELECT c, k.n, d.duty, (c * 31 + k.n * 17) % 100 AS h,
             {base} + interval '1 day' * ((c * 7919) % 360 + k.n * 3)
                 + interval '1 hour' * (c % 10) AS t,
             3600000000::bigint * CASE d.duty WHEN 'K1' THEN 1440 WHEN 'C1' THEN 240
                 WHEN 'C2' THEN 720 WHEN 'O1' THEN 960 WHEN 'O2' THEN 72 WHEN 'M5' THEN 72
                 WHEN 'N5' THEN 72 ELSE 24 END AS period
      FROM generate_series(1, {cases}) c
      CROSS JOIN (VALUES (0), (1), (2), (3), (4)) k(n)
      CROSS JOIN LATERAL (SELECT CASE k.n WHEN 0 THEN 'N1' WHEN 1 THEN 'N2' WHEN 2 THEN 'N6'
          WHEN 3 THEN 'K1' ELSE (ARRAY['O1', 'O2', 'C1', 'C2', 'M5', 'N4', 'N3', 'N5'])[c % 8 + 1]
          END AS duty) d) x
JOIN agency a ON a.id = c % {agencies} + 1;
"""
SEQUENCES: Final = ("facility", "agency", "room", "user_account", "criminal_case", "detainee",
                    "engagement", "meeting_request", "meeting")  # fmt: skip


def statements(cases: int, meetings: int) -> list[tuple[str, str]]:
    """(label, SQL) of the load, in order."""
    rooms = FACILITIES * ROOMS_PER_FACILITY
    requests = cases * REQUESTS_PER_CASE
    rounds = -(-cases // rooms) * REQUESTS_PER_CASE
    if rounds * SPACING_DAYS > 365:
        raise ValueError(f"{cases} cases do not fit one year with {rooms} rooms")
    base = "(date_trunc('day', now()) - interval '365 days')"
    names = {"facilities": FACILITIES, "agencies": AGENCIES, "per": ROOMS_PER_FACILITY,
             "rooms": rooms, "cases": cases, "requests": requests, "meetings": meetings,
             "rpc": REQUESTS_PER_CASE, "spacing": SPACING_DAYS, "base": base,
             "t_us": _US.format(t="t"),
             "buckets": _BUCKETS.format(l=_LOCAL.format(t="t"))}  # fmt: skip
    names["requests_sql"] = _REQUESTS.format(**names)
    return [
        ("organisations", ORGANISATIONS.format(**names)),
        ("cases", CASES.format(**names)),
        ("requests_and_meetings", REQUESTS.format(**names)),
        ("request_duties", REQUEST_DUTIES.format(**names)),
        ("case_duties", CASE_DUTIES.format(**names)),
    ]


async def load(connection: asyncpg.Connection, cases: int, meetings: int) -> dict[str, float]:
    """Run the load (triggers off); seconds per step."""
    took: dict[str, float] = {}
    await connection.execute("SET session_replication_role = replica")
    try:
        for label, sql in statements(cases, meetings):
            start = time.perf_counter()
            await connection.execute(sql)
            took[label] = round(time.perf_counter() - start, 1)
    finally:
        await connection.execute("RESET session_replication_role")
    for table in SEQUENCES:
        await connection.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
    await connection.execute("TRUNCATE duty_ledger_mark")
    start = time.perf_counter()
    await connection.execute("VACUUM ANALYZE")
    took["vacuum_analyze"] = round(time.perf_counter() - start, 1)
    return took
