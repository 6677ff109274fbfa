"""The load and the scenario of the fleet fault test (test_fleet_faults.py): the HTTP clients
that keep booking, cancelling and recording while processes die (Api, Load), the wait for
the outbox to drain, and run_fleet, which starts the fleet (fleet_processes.py), builds the
world (fleet_world.py), runs the load under chaos and returns what the test checks (Outcome).

What runs in the test's own process, kept apart from the world it books in and from the
processes it drives, so that each of the three can be read on its own.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from notifications.kinds import Channel, Status
from notifications.models import Notification
from scheduling.meeting_notices import REMINDER
from scheduling.models import FreedCapacity
from tests.integration.fleet_processes import (
    counting_twilio,
    fleet_env,
    fleet_members,
    reaches_late,
    slow_answer,
)
from tests.integration.fleet_world import Asker, FleetWorld, build_world, slot_starts

# --- Clients that keep working through the crashes -------------------------------------------


class NoAnswer(Exception):
    """No app answered a request that could not safely be sent again."""


@dataclass
class Api:
    """POSTs to the two apps in turn. A request that never got through (connection refused)
    goes to the other app; one that may have been done (the app died mid-request) is sent
    again only when `retry_unsure` (it carries an Idempotency-Key, or twice is harmless)."""

    bases: list[str]
    http: httpx.AsyncClient
    turn: itertools.count[int] = field(default_factory=itertools.count)
    cut_off: int = 0  # requests an app died in the middle of

    async def post(
        self, path: str, token: str, body: dict[str, Any], *, key: str = "",
        retry_unsure: bool = True,
    ) -> tuple[httpx.Response, bool]:  # fmt: skip
        """The answer, and whether an earlier try of the request was cut off."""
        headers = {"Authorization": f"Bearer {token}"}
        if key:
            headers["Idempotency-Key"] = key
        deadline, cut = time.monotonic() + 30, False
        while True:
            base = self.bases[next(self.turn) % len(self.bases)]
            try:
                response = await self.http.post(
                    f"{base}/api/v1{path}", json=body, headers=headers, timeout=10
                )
            except httpx.ConnectError:
                pass  # never reached the app: safe to send anywhere
            except httpx.TransportError:
                self.cut_off += 1
                cut = True
                if not retry_unsure:
                    raise NoAnswer(path) from None
            else:
                return response, cut
            if time.monotonic() > deadline:
                raise AssertionError(f"no app answered {path} for 30 s")
            await asyncio.sleep(0.05)


def refusal(response: httpx.Response) -> str:
    """What a 409 refused: a slot taken by the room, lawyer or detainee (the database's
    constraints name it), a slot refused by the hours or buffer check ("slot"), or else the
    state of the thing ("state": a request not waiting, a meeting no longer active)."""
    body = response.json()
    if "alternatives" not in body:
        return "state"
    return str(body.get("party") or "slot")


@dataclass
class Load:
    """Lawyers booking (often the same room at the same time, from both apps at once), the
    facility and lawyers cancelling, the investigator recording case events, all over HTTP."""

    world: FleetWorld
    api: Api
    rng: random.Random
    starts: list[datetime]  # the slot starts bookings choose from
    bookable: set[int] = field(default_factory=set)  # request ids
    active: dict[int, int] = field(default_factory=dict)  # meeting id -> request id
    keys: dict[str, int | None] = field(default_factory=dict)  # key -> the meeting answered
    tally: Counter[str] = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    minutes: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.bookable = set(self.world.requests)

    def _odd(self, path: str, response: httpx.Response) -> None:
        self.unexpected.append(f"{path}: {response.status_code} {response.text[:300]}")

    async def book(self, request_id: int, room_id: int, start: datetime) -> None:
        """One booking, sent until answered under one Idempotency-Key."""
        key = uuid.uuid4().hex
        token = self.world.lawyer_tokens[self.world.requests[request_id].lawyer]
        body = {"room_id": room_id, "starts_at": start.isoformat(), "length_minutes": 60}
        path = f"/meeting-requests/{request_id}/bookings"
        response, cut = await self.api.post(path, token, body, key=key)
        self.keys[key] = None
        if cut:
            self.tally["booking sent again after a crash"] += 1
        if response.status_code in (200, 201):
            self.tally[f"booked ({response.status_code})"] += 1
            self.keys[key] = self.active_meeting(response.json()["id"], request_id)
        elif response.status_code == 409:
            why = refusal(response)
            self.tally[f"booking refused: {why}"] += 1
            if why != "state":
                self.bookable.add(request_id)  # the slot was taken: try another
        else:
            self._odd(path, response)

    def active_meeting(self, meeting: int, request_id: int) -> int:
        self.active[meeting] = request_id
        return meeting

    async def booking(self, stop: asyncio.Event) -> None:
        """Now one booking, now a race: bookings for one minute sent at once through both
        apps, for the database to let one through: two to four lawyers for the same room, or
        one lawyer's two requests (or two for one detainee) for two rooms."""
        while not stop.is_set():
            await asyncio.sleep(self.rng.uniform(0.02, 0.1))
            over = self.rng.choice(("room", "lawyer", "detainee", "", "", ""))
            racers = self._racers(over) if over else []
            if len(racers) < 2:
                if self.bookable:
                    request_id = self.rng.choice(sorted(self.bookable))
                    self.bookable.discard(request_id)
                    room, start = self.rng.choice(self.world.room_ids), self.rng.choice(self.starts)
                    await self.book(request_id, room, start)
                continue
            self.bookable.difference_update(racers)
            start = self.rng.choice(self.starts)
            if over == "room":
                rooms = [self.rng.choice(self.world.room_ids)] * len(racers)
            else:
                rooms = self.rng.sample(self.world.room_ids, len(racers))
            self.tally[f"races over a {over}"] += 1
            bookings = zip(racers, rooms, strict=True)
            await asyncio.gather(*(self.book(racer, room, start) for racer, room in bookings))

    def _racers(self, over: str) -> list[int]:
        free = sorted(self.bookable)
        if over == "room":
            return self.rng.sample(free, min(len(free), self.rng.randint(2, 4)))
        groups: dict[int, list[int]] = {}
        for request in free:
            asker = self.world.requests[request]
            groups.setdefault(asker.lawyer if over == "lawyer" else asker.detainee, []).append(
                request
            )
        pairs = [group[:2] for group in groups.values() if len(group) >= 2]
        return self.rng.choice(pairs) if pairs else []

    async def cancelling(self, stop: asyncio.Event) -> None:
        """The facility cancels (the request waits again), or now and then the lawyer (the
        request ends, and the lawyer asks for a new meeting)."""
        while not stop.is_set():
            await asyncio.sleep(self.rng.uniform(0.15, 0.4))
            if len(self.active) < 3:
                continue
            meeting = self.rng.choice(sorted(self.active))
            request_id = self.active.pop(meeting)
            by_lawyer = self.rng.random() < 0.25
            asker = self.world.requests[request_id]
            token = self.world.lawyer_tokens[asker.lawyer] if by_lawyer else self.world.staff_token
            path = f"/meetings/{meeting}/cancel"
            response, cut = await self.api.post(path, token, {"reason": "room needed"})
            # Refused as no longer active only when an earlier try, cut off, had done it.
            if response.status_code != 200 and not (cut and response.status_code == 409):
                self._odd(path, response)
                continue
            self.tally["cancelled by " + ("lawyer" if by_lawyer else "facility")] += 1
            if not by_lawyer:
                self.bookable.add(request_id)
                continue
            await self.ask_again(asker, token)

    async def ask_again(self, asker: Asker, token: str) -> None:
        body = {"engagement_id": asker.engagement, "length_minutes": 60}
        try:  # cut off: perhaps asked, perhaps not; the lawyer lets it be
            response, _cut = await self.api.post(
                "/meeting-requests", token, body, retry_unsure=False
            )
        except NoAnswer:
            self.tally["request cut off"] += 1
            return
        if response.status_code != 201:
            self._odd("/meeting-requests", response)
            return
        self.tally["asked again"] += 1
        new = int(response.json()["id"])
        self.world.requests[new] = asker
        self.bookable.add(new)

    async def recording(self, stop: asyncio.Event) -> None:
        """Measures changed on random cases. Each event is a different minute of the past, so
        no two notices to one lawyer read the same (see the test's docstring)."""
        origin = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)
        while not stop.is_set():
            await asyncio.sleep(self.rng.uniform(0.2, 0.4))
            case = self.rng.choice(self.world.case_ids)
            at = origin - timedelta(minutes=next(self.minutes))
            body = {"kind": "measure_changed", "effective_at": at.isoformat(), "note": "chaos"}
            path = f"/cases/{case}/events"
            try:  # no idempotency key here: a request cut off mid-way is not sent again
                response, _cut = await self.api.post(
                    path, self.world.investigator_token, body, retry_unsure=False
                )
            except NoAnswer:
                self.tally["event cut off"] += 1
                continue
            if response.status_code == 201:
                self.tally["events"] += 1
            else:
                self._odd(path, response)

    async def run(self, seconds: float) -> None:
        """For `seconds`, then until the requests in flight are answered (a job that fails
        stops the others)."""
        stop = asyncio.Event()
        async with asyncio.TaskGroup() as jobs:
            for job in (self.booking, self.booking, self.cancelling, self.cancelling):
                jobs.create_task(job(stop))
            jobs.create_task(self.recording(stop))
            await asyncio.sleep(seconds)
            stop.set()


# --- The scenario --------------------------------------------------------------------------


async def unsettled() -> list[Notification]:
    """Rows not yet in a final state, but for reminders whose time has not come."""
    waiting = await Notification.filter(status__in=(Status.PENDING, Status.SENDING))
    now = datetime.now(UTC)
    return [r for r in waiting if not (r.template == REMINDER and r.next_attempt_at > now)]


async def drain(seconds: float) -> None:
    """Wait until the outbox and the freed capacity (whose offers owe notices) have stayed
    empty for a second."""
    deadline, quiet_since = time.monotonic() + seconds, 0.0
    while True:
        if await unsettled() or await FreedCapacity.filter(offered_at=None).exists():
            quiet_since = 0.0
        elif not quiet_since:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= 1.0:
            return
        if time.monotonic() > deadline:
            left = [(r.id, r.channel, r.status, r.last_error) for r in await unsettled()]
            raise AssertionError(f"the outbox did not drain in {seconds} s: {left}")
        await asyncio.sleep(0.2)


async def most_inapp_under_lease(stop: asyncio.Event) -> int:
    """The most in-app rows ever seen `sending` (under a lease), looking every 50 ms."""
    most = 0
    while not stop.is_set():
        held = await Notification.filter(channel=Channel.INAPP, status=Status.SENDING).count()
        most = max(most, held)
        await asyncio.sleep(0.05)
    return most


@dataclass
class Outcome:
    load: Load
    kills: Counter[str]
    cut_off: int
    twilio_messages: list[Any]  # notification_fakes.FakeSms
    twilio_lookups: int
    message_ids: list[str]  # of the e-mails the SMTP server received
    most_inapp_under_lease: int
    died: list[str]  # processes that ended without being killed
    timings: dict[str, float]


async def run_fleet(
    db_url: str, folder: Path, seed: int, *, load_seconds: float, lease_seconds: float
) -> Outcome:
    """Start the fleet (the world is built meanwhile), run the load under chaos, stop the
    chaos and let the fleet drain the outbox, stop the fleet."""
    from tests.integration.notification_fakes import free_port, smtp_server

    clock = [time.monotonic()]
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        clock.append(time.monotonic())
        timings[name] = clock[-1] - clock[-2]

    with smtp_server() as smtp:
        async with counting_twilio(slow_answer, reaches_late) as twilio:
            env = fleet_env(db_url, folder, smtp.port, lease_seconds)
            twilio_url = f"http://127.0.0.1:{twilio.port}"
            fleet = fleet_members(env, folder, [free_port(), free_port()], twilio_url)
            stop_chaos, stop_watch = asyncio.Event(), asyncio.Event()
            helpers: list[asyncio.Task[Any]] = []
            try:
                for member in fleet.members:
                    member.start()
                world = await build_world()
                await fleet.wait_ready(fleet.members)
                lap("start")
                load = Load(world, Api([app.base_url for app in fleet.apps], fleet.http),
                            random.Random(seed), starts=slot_starts())  # fmt: skip
                chaos = asyncio.create_task(fleet.chaos(random.Random(seed + 1), stop_chaos))
                watch = asyncio.create_task(most_inapp_under_lease(stop_watch))
                helpers += [chaos, watch]
                await load.run(load_seconds)
                stop_chaos.set()
                await chaos
                lap("load")
                # The process killed last may still be starting: its twin drains meanwhile.
                await drain(lease_seconds + 40)
                lap("drain")
                stop_watch.set()
                inapp_under_lease = await watch
                died = [member.name for member in fleet.members if not member.running()]
            finally:
                stop_chaos.set()
                stop_watch.set()
                await asyncio.gather(*helpers, return_exceptions=True)
                fleet.stop()
                await fleet.http.aclose()
            lap("stop")
            messages, lookups = list(twilio.sent), int(twilio.lookups)
        message_ids = [str(message["Message-ID"]) for message in smtp.inbox.messages]
    return Outcome(load, fleet.kills, load.api.cut_off, messages, lookups, message_ids,
                   inapp_under_lease, died, timings)  # fmt: skip
