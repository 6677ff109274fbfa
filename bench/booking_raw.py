"""The raw side of the booking benchmark: the booking transaction by hand, with asyncpg.

What scheduling/booking.py does in one transaction, statement by statement and without HTTP,
the ORM or alternatives in a 409: lock and check the request, lock the room row, look for an
overlapping active meeting of the room, lawyer or detainee, insert the meeting, mark the
request scheduled, write the notices' outbox rows (the same rows scheduling/meeting_notices.py
writes: e-mail with the invite, SMS when the lawyer has a phone, in-app, the reminders) and
append the audit entry to the hash chain under the head lock.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

import asyncpg  # type: ignore[import-untyped]  # no stubs in the dev extra

from app.audit.chain import GENESIS_HASH, link_hash
from app.audit.service import clean_summary
from app.settings import load_settings
from bench import booking_world
from bench._proc import database_name, postgres_cpu_seconds
from bench._support import percentile
from bench.booking_world import Attempt, Client
from notifications.rendering import language_for
from scheduling.invites import PRODID, WHAT_TO_BRING
from scheduling.meeting_notices import NoticeSettings
from scheduling.reference import new_reference

# The server's settings: the same file and environment, so the same notices as the API's.
NOTICES: Final = NoticeSettings.from_settings(load_settings())
PRE_CHECK: Final = """
SELECT EXISTS (
    SELECT 1 FROM meeting AS m, meeting_request AS q
    WHERE q.id = $1 AND m.status = 'active'
      AND (m.room_id = $2 OR m.lawyer_id = q.lawyer_id OR m.detainee_id = q.detainee_id)
      AND tstzrange(m.starts_at, m.ends_at, '[)') && tstzrange($3, $4, '[)')
)
"""
# What the notices of a booking need (meeting_notices reads the same with the ORM).
NOTICE_FACTS: Final = """
SELECT f.name AS facility, f.address, f.timezone, r.name AS room, u.display_name, u.email,
       u.phone, u.locale, p.email AS email_on, p.sms AS sms_on, p.language
FROM meeting AS m JOIN room AS r ON r.id = m.room_id JOIN facility AS f ON f.id = r.facility_id
JOIN user_account AS u ON u.id = m.lawyer_id
LEFT JOIN notification_preference AS p ON p.user_id = u.id
WHERE m.id = $1
"""
OUTBOX: Final = """
INSERT INTO notification (template, recipient_id, address, channel, language, payload,
    calendar_ics, not_before, status, attempts, next_attempt_at, last_error, provider_id,
    created_at, topic)
VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, 'pending', 0, $9, '', '', now(), $10)
"""


@dataclass
class Outcome:
    latencies_ms: list[float] = field(default_factory=list)
    booked: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    deadlocks: int = 0  # raw only: transactions PostgreSQL aborted and the client retried
    postgres_cpu: float = 0.0  # raw only: seconds, read before its connections close

    def summary(self) -> dict[str, object]:
        attempts = len(self.latencies_ms)
        return {
            "attempts": attempts,
            "booked": self.booked,
            "conflicts": self.conflicts,
            "errors": len(self.errors),
            "deadlocks_retried": self.deadlocks,
            "first_errors": self.errors[:3],
            "seconds": round(self.seconds, 2),
            "attempts_per_s": round(attempts / self.seconds, 1),
            "bookings_per_s": round(self.booked / self.seconds, 1),
            "p50_ms": round(percentile(self.latencies_ms, 50), 1),
            "p99_ms": round(percentile(self.latencies_ms, 99), 1),
        }


async def raw_book(
    connection: asyncpg.Connection, lawyer_id: int, attempt: Attempt, outcome: Outcome
) -> bool:
    """True when booked, False when an overlapping active meeting was found (or refused by
    the EXCLUDE constraints).

    Two transactions inserting overlapping rows at once may each wait for the other inside
    the exclusion check; PostgreSQL then aborts one with "deadlock detected". The room lock
    prevents that here; should it happen (say, over a lawyer), trying again meets the
    committed winner, so the attempt ends as the conflict it is. Retries are counted.
    """
    for _try in range(3):
        try:
            return await _raw_transaction(connection, lawyer_id, attempt)
        except asyncpg.exceptions.DeadlockDetectedError:
            outcome.deadlocks += 1
    raise RuntimeError(f"request {attempt.request_id}: deadlocked three times")


async def _raw_transaction(
    connection: asyncpg.Connection, lawyer_id: int, attempt: Attempt
) -> bool:
    ends_at = attempt.starts_at + timedelta(minutes=booking_world.LENGTH_MINUTES)
    try:
        async with connection.transaction():
            status = await connection.fetchval(
                "UPDATE meeting_request SET status = status WHERE id = $1 RETURNING status",
                attempt.request_id,
            )
            if status != "requested":
                raise RuntimeError(f"request {attempt.request_id} is {status}")
            # One booking of a room at a time: two overlapping inserts would otherwise each
            # wait for the other in the exclusion check until PostgreSQL's deadlock detector
            # (deadlock_timeout, 1 s) aborted one; the winner's row is then committed and seen.
            await connection.execute("SELECT 1 FROM room WHERE id = $1 FOR UPDATE",
                                     attempt.room_id)  # fmt: skip
            if await connection.fetchval(PRE_CHECK, attempt.request_id, attempt.room_id,
                                         attempt.starts_at, ends_at):  # fmt: skip
                return False
            row = await connection.fetchrow(
                "INSERT INTO meeting (request_id, room_id, lawyer_id, detainee_id, starts_at,"
                " ends_at, status, reference, idempotency_key, sequence, uid, created_at,"
                " cancel_reason) SELECT id, $2, lawyer_id, detainee_id, $3, $4, 'active', $5,"
                " $6, 0, $7, now(), '' FROM meeting_request WHERE id = $1"
                " RETURNING id, reference, request_id, room_id, starts_at, ends_at, sequence, uid",
                attempt.request_id, attempt.room_id, attempt.starts_at, ends_at,
                new_reference(), str(uuid.uuid4()), f"{uuid.uuid4()}@lawmeet",
            )  # fmt: skip
            await connection.execute(
                "UPDATE meeting_request SET status = 'scheduled' WHERE id = $1",
                attempt.request_id,
            )
            await _raw_notices(connection, lawyer_id, row)
            await _raw_audit(connection, lawyer_id, row)
    except asyncpg.exceptions.ExclusionViolationError:
        return False
    return True


async def _raw_notices(
    connection: asyncpg.Connection, lawyer_id: int, meeting: asyncpg.Record
) -> None:
    """The outbox rows the API's booking writes (scheduling/meeting_notices.py): e-mail with
    the invite, SMS if the lawyer has a phone, in-app, and the reminders, in one insert."""
    facts = await connection.fetchrow(NOTICE_FACTS, meeting["id"])
    zone = ZoneInfo(facts["timezone"])
    starts_at, ends_at = meeting["starts_at"], meeting["ends_at"]
    payload = {
        "reference": meeting["reference"],
        "starts": f"{starts_at.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})",
        "ends": f"{ends_at.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})",
        "facility": facts["facility"], "address": facts["address"], "room": facts["room"],
        "lawyer": facts["display_name"], "url": f"{NOTICES.public_url}/meetings/{meeting['id']}",
    }  # fmt: skip
    email_on = facts["email_on"] is not False
    sms_on = facts["sms_on"] is not False
    language = facts["language"] or language_for(facts["locale"])
    topic, now = f"meeting:{meeting['id']}", datetime.now(UTC)
    told = json.dumps({**payload, "by_facility": False, "reason": ""})
    rows: list[tuple[object, ...]] = []

    def add(template: str, channel: str, address: str, body: str, ics: str | None = None,
            not_before: datetime | None = None) -> None:  # fmt: skip
        rows.append((template, lawyer_id, address, channel, language, body, ics, not_before,
                     max(now, not_before) if not_before else now, topic))  # fmt: skip

    if facts["email"] and email_on:
        add("meeting_booked", "email", facts["email"], told, _raw_invite(meeting, facts))
    if facts["phone"] and sms_on:
        add("meeting_booked", "sms", facts["phone"], told)
    add("meeting_booked", "inapp", "", told)
    for offset in sorted(set(NOTICES.reminder_offsets_minutes), reverse=True):
        due = starts_at - timedelta(minutes=offset)
        if due <= now:
            continue
        body = json.dumps(
            {**payload, "stale_after": starts_at.isoformat(), "minutes_before": offset}
        )
        add("meeting_reminder", "inapp", "", body, not_before=due)
        if facts["phone"] and sms_on:
            add("meeting_reminder", "sms", facts["phone"], body, not_before=due)
    await connection.executemany(OUTBOX, rows)


def _raw_invite(meeting: asyncpg.Record, facts: asyncpg.Record) -> str:
    """The iTIP REQUEST by hand: the properties scheduling/invites.py writes (unfolded)."""
    stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    summary = "律师会见 Lawyer meeting " + " · ".join(
        (meeting["reference"], facts["room"], facts["display_name"])
    )
    place = ", ".join(part for part in (facts["address"], facts["room"]) if part)
    alarms = "".join(
        f"BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:{summary}\r\nTRIGGER:-PT{_duration(m)}\r\n"
        f"END:VALARM\r\n" for m in sorted(set(NOTICES.alarm_minutes), reverse=True)
    )  # fmt: skip
    bring = WHAT_TO_BRING.replace("\n", "\\n")
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
        "METHOD:REQUEST", "BEGIN:VEVENT", f"SUMMARY:{summary}",
        f"DTSTART:{meeting['starts_at']:%Y%m%dT%H%M%SZ}",
        f"DTEND:{meeting['ends_at']:%Y%m%dT%H%M%SZ}", f"DTSTAMP:{stamp}",
        f"UID:{meeting['uid']}", f"SEQUENCE:{meeting['sequence']}",
        f'ATTENDEE;CN="{facts["display_name"]}";PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT:mailto'
        f":{facts['email']}",
        f"DESCRIPTION:预约编号 / Reference: {meeting['reference']}\\n\\n{bring}",
        f"LOCATION:{facts['facility']}\\, {place}",
        f'ORGANIZER;CN="{facts["facility"]}":mailto:{NOTICES.organiser_address}',
        "STATUS:CONFIRMED", "TRANSP:OPAQUE",
    ]  # fmt: skip
    return "\r\n".join(lines) + "\r\n" + alarms + "END:VEVENT\r\nEND:VCALENDAR\r\n"


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return (f"{hours}H" if hours else "") + (f"{rest}M" if rest or not hours else "")


async def _raw_audit(
    connection: asyncpg.Connection, actor_id: int, meeting: asyncpg.Record
) -> None:
    head = await connection.fetchrow("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE")
    seq, previous = head["seq"], head["hash"]
    summary = clean_summary({
        "reference": meeting["reference"], "request": meeting["request_id"],
        "room": meeting["room_id"], "starts_at": meeting["starts_at"],
        "ends_at": meeting["ends_at"], "sequence": meeting["sequence"],
    })  # fmt: skip
    at = datetime.now(UTC)
    object_id = str(meeting["id"])
    digest = link_hash(seq + 1, at, actor_id, "meeting.booked", "meeting", object_id, summary,
                       previous)  # fmt: skip
    await connection.execute(
        "INSERT INTO audit_entry (seq, at, actor_id, actor_label, action, object_type,"
        " object_id, summary, prev_hash, hash) VALUES ($1, $2, $3, 'bench', 'meeting.booked',"
        " 'meeting', $4, $5::jsonb, $6, $7)",
        seq + 1, at, actor_id, object_id, json.dumps(summary), previous, digest,
    )  # fmt: skip
    await connection.execute(
        "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1", seq + 1, digest
    )


async def run_raw(url: str, clients: list[Client]) -> Outcome:
    outcome = Outcome()
    connections = [await asyncpg.connect(url) for _ in clients]
    # The chain's head exists once anything was audited; the ORM creates it on first use.
    await connections[0].execute(
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, $1) ON CONFLICT (id) DO NOTHING",
        GENESIS_HASH,
    )

    async def one(connection: asyncpg.Connection, client: Client) -> None:
        for attempt in client.attempts:
            began = time.perf_counter()
            booked: bool | None = None
            try:
                booked = await raw_book(connection, client.lawyer_id, attempt, outcome)
            except Exception as exc:
                outcome.errors.append(repr(exc))
            outcome.latencies_ms.append((time.perf_counter() - began) * 1000)
            outcome.booked += booked is True
            outcome.conflicts += booked is False

    try:
        began, postgres = time.perf_counter(), postgres_cpu_seconds(database_name(url))
        pairs = zip(connections, clients, strict=True)
        await asyncio.gather(*(one(connection, client) for connection, client in pairs))
        outcome.seconds = time.perf_counter() - began
        # Before the connections close: a closed backend's CPU time leaves /proc with it.
        outcome.postgres_cpu = postgres_cpu_seconds(database_name(url)) - postgres
    finally:
        for connection in connections:
            await connection.close()
    return outcome
