"""Fleet correctness under faults: two `lawmeet serve` processes and two `lawmeet worker`s on
one PostgreSQL database, while lawyers book (often the same room at the same minute, through
both apps at once), the facility and lawyers cancel and the investigator records case events,
and a chaos task SIGKILLs a random process every 1-2 s and starts it again at once.

Why a real fleet: each guarantee below is kept by the database or by the outbox protocol
between processes (EXCLUDE constraints, FOR UPDATE SKIP LOCKED claims, leases, the look at
Twilio before an SMS of unknown outcome goes again), and SIGKILL is the one failure that no
code in the dying process can tidy up after. Unit tests prove each piece; this, all together.

When the load has stopped and the survivors have drained the outbox:
- no two active meetings overlap in a room, for a lawyer or for a detainee, and a booking
  sent again under its Idempotency-Key (its first answer lost in a crash) is one meeting,
  the one its answer names;
- every notice owed was written (each booking, cancellation and case event: e-mail, SMS and
  in-app) and reached its final state: none lost, none stuck, none dead;
- in-app notices never wait for a lease: none is ever seen under one, and each is delivered
  within INAPP_BOUND of being written, half the lease a killed worker's claim would hold;
- Twilio got each SMS once, and each SMS row records its message's SID, those a kill cut off
  mid-send too (found at Twilio and recorded, not sent again).

PostgreSQL only: a fleet shares a database server, and SQLite's one-writer file is the
deployment of a single process. Each case event is a different minute of the past, so no
two notices to one lawyer read the same: two SMS of one text to one number, both cut off,
are tested on their own (`test_notification_resend.py`).
LAWMEET_FLEET_SEED repeats a run's random choices (not its timings).
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from tortoise import connections

from app import clock
from notifications.kinds import Channel, Status
from notifications.models import Notification
from notifications.rendering import render
from notifications.smtp import message_id
from scheduling.meeting_notices import REMINDER
from tests.integration.fleet_processes import FROM_ADDRESS
from tests.integration.fleet_support import Outcome, run_fleet

pytestmark = [pytest.mark.usefixtures("database"), pytest.mark.postgres_only]

SEED = 20_261_207
LOAD_SECONDS = 12.0
LEASE_SECONDS = 12.0
INAPP_BOUND = timedelta(seconds=LEASE_SECONDS / 2)


async def rows_of(sql: str) -> list[tuple[object, ...]]:
    _count, rows = await connections.get("default").execute_query(sql)
    return [tuple(row) for row in rows]


async def overlapping_meetings() -> list[tuple[object, ...]]:
    return await rows_of("""
        SELECT a.id, b.id, CASE WHEN a.room_id = b.room_id THEN 'room'
                                WHEN a.lawyer_id = b.lawyer_id THEN 'lawyer'
                                ELSE 'detainee' END
        FROM meeting a JOIN meeting b ON a.id < b.id
        WHERE a.status = 'active' AND b.status = 'active'
          AND tstzrange(a.starts_at, a.ends_at, '[)') && tstzrange(b.starts_at, b.ends_at, '[)')
          AND (a.room_id = b.room_id OR a.lawyer_id = b.lawyer_id
               OR a.detainee_id = b.detainee_id)
    """)


async def requests_met_twice() -> list[tuple[object, ...]]:
    return await rows_of("""
        SELECT request_id FROM meeting WHERE status = 'active'
        GROUP BY request_id HAVING count(*) > 1
    """)


async def meetings_by_key() -> dict[object, object]:
    return {
        key: meeting for key, meeting in await rows_of("SELECT idempotency_key, id FROM meeting")
    }


async def notices_owed_but_missing() -> list[str]:
    """Each meeting's booking, each cancelled meeting's cancellation and each case event owe
    the lawyer (each lawyer engaged for the detainee, for an event) one notice a channel."""
    every = {Channel.EMAIL, Channel.SMS, Channel.INAPP}
    written: dict[tuple[object, ...], set[Channel]] = {}
    for row in await Notification.all():
        if row.template == "case_event_notice":
            what: tuple[object, ...] = ("event", row.payload["event_id"], row.recipient_id)
        else:
            what = (row.template, row.topic, row.recipient_id)
        written.setdefault(what, set()).add(Channel(row.channel))
    owed: list[tuple[object, ...]] = []
    for meeting, status, lawyer in await rows_of("SELECT id, status, lawyer_id FROM meeting"):
        owed.append(("meeting_booked", f"meeting:{meeting}", lawyer))
        if status == "cancelled":
            owed.append(("meeting_cancelled", f"meeting:{meeting}", lawyer))
    events = await rows_of("""
        SELECT e.id, g.lawyer_id FROM case_event e
        JOIN engagement g ON g.case_id = e.case_id AND g.detainee_id = e.detainee_id
        WHERE e.kind = 'measure_changed'
    """)
    owed += [("event", event, lawyer) for event, lawyer in events]
    return [f"{what}: {sorted(every - written.get(what, set()))}" for what in owed
            if written.get(what) != every]  # fmt: skip


def in_final_state(row: Notification, now: datetime) -> bool:
    if row.template == REMINDER:  # due a day before the meeting, or dropped with it
        return row.status == Status.CANCELLED or (
            row.status == Status.PENDING and row.next_attempt_at > now
        )
    if row.channel == Channel.INAPP:
        return row.status == Status.DELIVERED
    return row.status in (Status.SENT, Status.DELIVERED)


def report(outcome: Outcome, rows: list[Notification], inapp: list[float]) -> None:
    timings = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in outcome.timings.items())
    print(
        f"timings: {timings}\nkills: {dict(outcome.kills)}\n"
        f"load: {dict(outcome.load.tally)}; requests cut off by a kill: {outcome.cut_off}\n"
        f"notices: {dict(Counter(row.channel.value for row in rows))}; "
        f"Twilio look-ups {outcome.twilio_lookups}; e-mails received {len(outcome.message_ids)}\n"
        f"in-app delivery: median {inapp[len(inapp) // 2]:.2f} s, "
        f"95% {inapp[len(inapp) * 95 // 100]:.2f} s, slowest {inapp[-1]:.2f} s"
    )  # fmt: skip


async def test_a_fleet_killed_at_random_double_books_nothing_and_loses_or_repeats_no_notice(
    db_url: str, tmp_path: Path
) -> None:
    seed = int(os.environ.get("LAWMEET_FLEET_SEED", SEED))
    print(f"\nfleet seed {seed} (LAWMEET_FLEET_SEED={seed} repeats its random choices)")
    outcome = await run_fleet(
        db_url, tmp_path, seed, load_seconds=LOAD_SECONDS, lease_seconds=LEASE_SECONDS
    )
    load = outcome.load
    rows = await Notification.all().order_by("id")
    inapp = sorted(
        (row.delivered_at - max(row.created_at, row.not_before or row.created_at)).total_seconds()
        for row in rows
        if row.channel == Channel.INAPP and row.delivered_at is not None
    )
    report(outcome, rows, inapp)
    assert {"app", "worker"} <= {name.rstrip("0123456789") for name in outcome.kills}
    assert outcome.died == []
    assert any(what.startswith("races") for what in load.tally)
    assert load.tally["booked (201)"] and load.tally["events"]
    assert load.unexpected == []

    # No double booking: the constraints held across processes, and a key is one meeting.
    assert await overlapping_meetings() == []
    assert await requests_met_twice() == []
    assert await meetings_by_key() == {k: m for k, m in load.keys.items() if m is not None}

    # No lost notice: each one owed was written with its change, and delivered.
    assert await notices_owed_but_missing() == []
    now = clock.now()
    stuck = [(r.id, r.template, r.channel.value, r.status.value, r.last_error)
             for r in rows if not in_final_state(r, now)]  # fmt: skip
    assert stuck == []

    # In-app notices never waited for a lease, whichever worker died.
    assert outcome.most_inapp_under_lease == 0
    assert inapp and inapp[-1] < INAPP_BOUND.total_seconds()

    # Each SMS reached Twilio once, and its row records that message.
    sms = [row for row in rows if row.channel == Channel.SMS and row.status == Status.SENT]
    sids = [row.provider_id for row in sms]
    assert all(sids) and len(set(sids)) == len(sids)
    assert sorted(sids) == sorted(message.sid for message in outcome.twilio_messages)
    at_twilio = {message.sid: (message.to, message.body) for message in outcome.twilio_messages}
    rendered = {row.provider_id: render(row.template, row.language, row.payload) for row in sms}
    assert all(at_twilio[row.provider_id] == (row.address, rendered[row.provider_id].sms)
               for row in sms)  # fmt: skip

    # E-mail goes at least once: every one arrived (one sent again keeps its Message-ID).
    emails = [row for row in rows if row.channel == Channel.EMAIL and row.status == Status.SENT]
    assert {message_id(row.id, FROM_ADDRESS) for row in emails} <= set(outcome.message_ids)
