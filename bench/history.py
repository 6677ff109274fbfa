"""A big scheduling history written straight into PostgreSQL with COPY (for the search benchmark).

Facilities open Monday to Friday, 08:30-11:30 and 14:00-17:30 Beijing time, with a 10-minute
buffer. Each room has its own lawyer and detainee (with a case, an active engagement and one
meeting request that all of the room's meetings point to), so keeping a room's meetings apart
also keeps every lawyer's and detainee's apart: the data satisfies the EXCLUDE constraints of
migration 0007, which stay in force during the load. Meetings lie on a 15-minute grid, leave
the buffer free, span ``PAST_DAYS`` back and ``FUTURE_DAYS`` ahead, and about 5% are cancelled.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

import asyncpg  # type: ignore[import-untyped]  # no stubs in the dev extra

from scheduling.reference import ALPHABET

ZONE: Final = ZoneInfo("Asia/Shanghai")  # every facility's zone
PAST_DAYS: Final = 240
FUTURE_DAYS: Final = 42
SESSIONS: Final = ((8 * 60 + 30, 11 * 60 + 30), (14 * 60, 17 * 60 + 30))  # local minutes
BEIJING_OFFSET_MINUTES: Final = 8 * 60  # no daylight saving in Asia/Shanghai
LENGTHS: Final = (30, 45, 60, 60, 60, 90, 120)  # weighted towards an hour
GAPS: Final = (15, 15, 30, 45, 60)  # at least the 10-minute buffer, on the 15-minute grid
CANCELLED_SHARE: Final = 0.05
NOT_A_HASH: Final = "!bench-no-login"  # these accounts never sign in


@dataclass
class Party:
    room_id: int
    lawyer_id: int
    detainee_id: int
    request_id: int


@dataclass
class World:
    facility_ids: list[int] = field(default_factory=list)
    parties: dict[int, list[Party]] = field(default_factory=dict)  # by facility
    meetings: int = 0
    closures: int = 0


def reference(number: int) -> str:
    """A unique 8-character Crockford reference for the n-th generated meeting."""
    chars = []
    for _ in range(8):
        number, digit = divmod(number, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def _day_candidates(day: date, rng: random.Random) -> list[tuple[datetime, datetime]]:
    """Back-to-back meetings (with gaps) filling one working day of one room."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(
        minutes=BEIJING_OFFSET_MINUTES
    )
    found = []
    for opens, closes in SESSIONS:
        at = opens + rng.choice((0, 0, 15, 30))
        while True:
            length = rng.choice(LENGTHS)
            if at + length > closes:
                break
            start = midnight + timedelta(minutes=at)
            found.append((start, start + timedelta(minutes=length)))
            at += length + rng.choice(GAPS)
    return found


def working_days(today: date) -> list[date]:
    days = [today + timedelta(days=n) for n in range(-PAST_DAYS, FUTURE_DAYS + 1)]
    return [d for d in days if d.weekday() < 5]


async def load(
    connection: asyncpg.Connection,
    *,
    facilities: int,
    rooms: int,
    meetings: int,
    seed: int = 5,
) -> World:
    """Write the world; returns its ids. ``meetings`` is spread evenly over the rooms."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    world = World()
    agency_id = await connection.fetchval(
        "INSERT INTO agency (name, region_code, address, phone, created_at)"
        " VALUES ('Bench agency', '110108', '', '', $1) RETURNING id",
        now,
    )
    facility_rows = await connection.fetch(
        "INSERT INTO facility (name, region_code, timezone, address, phone, created_at)"
        " SELECT 'Bench facility ' || n, '110108', 'Asia/Shanghai', 'Bench road ' || n, '', $2"
        " FROM generate_series(1, $1) AS n RETURNING id",
        facilities,
        now,
    )
    world.facility_ids = [r["id"] for r in facility_rows]
    lengths = json.dumps([30, 45, 60, 90, 120])
    await connection.executemany(
        "INSERT INTO facility_schedule (facility_id, allowed_lengths, buffer_minutes)"
        " VALUES ($1, $2::jsonb, 10)",
        [(f, lengths) for f in world.facility_ids],
    )
    await connection.copy_records_to_table(
        "opening_session",
        columns=["facility_id", "weekday", "start_minute", "end_minute"],
        records=[
            (f, weekday, opens, closes)
            for f in world.facility_ids
            for weekday in range(5)
            for opens, closes in SESSIONS
        ],
    )
    room_rows = await connection.fetch(
        "INSERT INTO room (facility_id, name, kind, in_service)"
        " SELECT f, 'Room ' || n, 'in_person', true"
        " FROM unnest($1::int[]) AS f, generate_series(1, $2) AS n ORDER BY f, n"
        " RETURNING id, facility_id",
        world.facility_ids,
        rooms,
    )
    parties = await _parties(connection, [(r["id"], r["facility_id"]) for r in room_rows],
                             agency_id, now)  # fmt: skip
    for party, (_room, facility_id) in zip(
        parties, [(r["id"], r["facility_id"]) for r in room_rows], strict=True
    ):
        world.parties.setdefault(facility_id, []).append(party)
    world.meetings = await _meetings(connection, parties, meetings, rng, now)
    world.closures = await _closures(connection, world, rng, now)
    # As autovacuum would leave a table this size: statistics, visibility map, hint bits.
    await connection.execute("VACUUM ANALYZE")
    return world


async def _parties(
    connection: asyncpg.Connection,
    rooms: list[tuple[int, int]],
    agency_id: int,
    now: datetime,
) -> list[Party]:
    """One lawyer, detainee, case, active engagement and meeting request per room."""
    count = len(rooms)
    lawyer_ids = [
        r["id"]
        for r in await connection.fetch(
            "INSERT INTO user_account (username, display_name, email, phone, role, status,"
            " password_hash, licence_number, law_firm, region_code, created_at, updated_at)"
            " SELECT 'bench-lawyer-' || n, 'Bench Lawyer ' || n, '', '', 'lawyer', 'active',"
            " $2, '1101201511' || lpad(n::text, 7, '0'), 'Bench Law Firm', '110100', $3, $3"
            " FROM generate_series(1, $1) AS n ORDER BY n RETURNING id",
            count,
            NOT_A_HASH,
            now,
        )
    ]
    detainee_ids = [
        r["id"]
        for r in await connection.fetch(
            "INSERT INTO detainee (name, id_number, custody_status, admitted_at, created_at,"
            " facility_id) SELECT 'Bench Detainee ' || n, 'BENCH' || lpad(n::text, 8, '0'),"
            " 'in_custody', $2, $2, f FROM unnest($1::int[]) WITH ORDINALITY AS t(f, n)"
            " ORDER BY n RETURNING id",
            [facility for _room, facility in rooms],
            now - timedelta(days=PAST_DAYS + 30),
        )
    ]
    case_ids = [
        r["id"]
        for r in await connection.fetch(
            "INSERT INTO criminal_case (case_number, category, stage, suspected_charges,"
            " created_at, updated_at, agency_id) SELECT 'BENCH-' || n, 'ordinary', 'trial', '',"
            " $2, $2, $3 FROM generate_series(1, $1) AS n ORDER BY n RETURNING id",
            count,
            now,
            agency_id,
        )
    ]
    await connection.copy_records_to_table(
        "case_detainee",
        columns=["case_id", "detainee_id"],
        records=list(zip(case_ids, detainee_ids, strict=True)),
    )
    engagement_ids = [
        r["id"]
        for r in await connection.fetch(
            "INSERT INTO engagement (kind, status, created_at, activated_at, case_id,"
            " detainee_id, lawyer_id) SELECT 'retained', 'active', $4, $4, c, d, l"
            " FROM unnest($1::int[], $2::int[], $3::int[]) WITH ORDINALITY AS t(c, d, l, n)"
            " ORDER BY n RETURNING id",
            case_ids,
            detainee_ids,
            lawyer_ids,
            now,
        )
    ]
    request_ids = [
        r["id"]
        for r in await connection.fetch(
            "INSERT INTO meeting_request (requested_at, preferred_windows, length_minutes,"
            " room_kind, assistant_name, assistant_id_number, interpreter_needed, walk_in,"
            " status, refusal_reason, created_at, detainee_id, engagement_id, facility_id,"
            " lawyer_id) SELECT $5, '[]', 60, 'in_person', '', '', false, false, 'scheduled',"
            " '', $5, d, e, f, l FROM unnest($1::int[], $2::int[], $3::int[], $4::int[])"
            " WITH ORDINALITY AS t(d, e, f, l, n) ORDER BY n RETURNING id",
            detainee_ids,
            engagement_ids,
            [facility for _room, facility in rooms],
            lawyer_ids,
            now,
        )
    ]
    return [
        Party(room, lawyer, detainee, request)
        for (room, _f), lawyer, detainee, request in zip(
            rooms, lawyer_ids, detainee_ids, request_ids, strict=True
        )
    ]


async def _meetings(
    connection: asyncpg.Connection,
    parties: list[Party],
    total: int,
    rng: random.Random,
    now: datetime,
) -> int:
    days = working_days(now.date())
    per_room, extra = divmod(total, len(parties))
    serial = 0
    batch: list[tuple[object, ...]] = []
    columns = ["starts_at", "ends_at", "status", "reference", "sequence", "uid", "created_at",
               "cancelled_at", "cancel_reason", "detainee_id", "lawyer_id", "request_id",
               "room_id"]  # fmt: skip
    for index, party in enumerate(parties):
        candidates = [span for day in days for span in _day_candidates(day, rng)]
        wanted = per_room + (1 if index < extra else 0)
        if wanted > len(candidates):
            raise ValueError(f"room {party.room_id} holds only {len(candidates)} meetings")
        for start, end in sorted(rng.sample(candidates, wanted)):
            serial += 1
            cancelled = rng.random() < CANCELLED_SHARE
            batch.append((
                start, end, "cancelled" if cancelled else "active", reference(serial), 0,
                f"bench-{serial}@lawmeet", start - timedelta(days=3),
                start - timedelta(days=1) if cancelled else None,
                "bench" if cancelled else "", party.detainee_id, party.lawyer_id,
                party.request_id, party.room_id,
            ))  # fmt: skip
        if len(batch) >= 100_000:
            await connection.copy_records_to_table("meeting", columns=columns, records=batch)
            batch = []
    if batch:
        await connection.copy_records_to_table("meeting", columns=columns, records=batch)
    return serial


async def _closures(
    connection: asyncpg.Connection, world: World, rng: random.Random, now: datetime
) -> int:
    """Per facility: a past facility-wide closure and two room closures in the weeks ahead."""
    rows: list[tuple[object, ...]] = []
    for facility_id in world.facility_ids:
        rooms = [p.room_id for p in world.parties[facility_id]]
        past = now - timedelta(days=rng.randint(10, PAST_DAYS))
        rows.append((facility_id, None, past, past + timedelta(hours=4), "drill", now))
        for _ in range(2):
            start = now + timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 23))
            rows.append((facility_id, rng.choice(rooms), start, start + timedelta(hours=3),
                         "maintenance", now))  # fmt: skip
    await connection.copy_records_to_table(
        "closure",
        columns=["facility_id", "room_id", "starts_at", "ends_at", "reason", "created_at"],
        records=rows,
    )
    return len(rows)


async def existing(connection: asyncpg.Connection) -> World:
    """The world a kept database holds (``--database``), read back from its rows."""
    world = World()
    rows = await connection.fetch(
        "SELECT r.facility_id, r.id AS room_id, q.lawyer_id, q.detainee_id, q.id AS request_id"
        " FROM (SELECT DISTINCT room_id, request_id FROM meeting) AS m"
        " JOIN room AS r ON r.id = m.room_id JOIN meeting_request AS q ON q.id = m.request_id"
        " ORDER BY r.facility_id, r.id"
    )
    for row in rows:
        party = Party(row["room_id"], row["lawyer_id"], row["detainee_id"], row["request_id"])
        world.parties.setdefault(row["facility_id"], []).append(party)
    world.facility_ids = sorted(world.parties)
    world.meetings = await connection.fetchval("SELECT count(*) FROM meeting")
    world.closures = await connection.fetchval("SELECT count(*) FROM closure")
    return world
