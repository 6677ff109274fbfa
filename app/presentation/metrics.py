"""Prometheus metrics: what a scrape of one process reports, and who may scrape it.

Two kinds of figures (docs/operations.md, "Metrics"):

- this process's own, kept in memory: request latency by route template, method and status
  class (`RequestMetricsMiddleware`), the heartbeats of the worker loops it runs, and the
  process's CPU, memory and garbage collector;
- the installation's, read from the database at each scrape (a few grouped, indexed queries):
  the outbox per channel, dead notices, meeting requests at risk of their 48-hour limit per
  facility, and how old the last signed audit tree head is.

Every process of a fleet answers the same database figures, so an alert on them takes the
`max` over instances; the request histograms add up with `sum`.
"""

from __future__ import annotations

import hmac
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import clock
from app.audit.checkpoints import latest as latest_checkpoint
from app.audit.models import AuditHead
from app.orgs.models import Facility
from app.settings import PROJECT_ROOT, Settings, SettingsError
from notifications import heartbeat, outbox_figures
from scheduling.forecast import at_risk_by_facility

log = logging.getLogger("lawmeet.metrics")
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_CONVERTOR = re.compile(r":[a-z]+}")  # "{meeting_id:int}" -> "{meeting_id}"


class _Heartbeats(Collector):
    """Seconds since each worker loop of this process last completed a round."""

    def collect(self) -> Iterable[Metric]:
        family = GaugeMetricFamily(
            "lawmeet_worker_heartbeat_age_seconds",
            "Seconds since this process's worker loop last completed a round.",
            labels=["loop"],
        )
        for loop, age in sorted(heartbeat.ages().items()):
            family.add_metric([loop], age)
        yield family


# This process's own figures. Not prometheus_client's global registry: nothing else adds to it.
REGISTRY = CollectorRegistry()
for _collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR, _Heartbeats()):
    REGISTRY.register(_collector)
REQUEST_SECONDS = Histogram(
    "lawmeet_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template, method and status class.",
    ("route", "method", "status"),
    registry=REGISTRY,
)


@lru_cache(maxsize=512)  # one entry per route (and Mount) of the app: bounded
def route_template(path: str) -> str:
    return _CONVERTOR.sub("}", path)


class RequestMetricsMiddleware:
    """Times each HTTP request and counts it under its route's template (`/meetings/{id}`),
    never the raw path, so the number of series stays that of the routes. Installed outermost,
    so the time includes every other middleware; a path no route matched is `unmatched`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            # The router records the matched route in the scope it was given (this one).
            path = getattr(scope.get("route"), "path", None)
            route = route_template(path) if isinstance(path, str) else "unmatched"
            method = scope["method"] if scope["method"] in _METHODS else "other"
            REQUEST_SECONDS.labels(route, method, f"{status // 100}xx").observe(
                time.perf_counter() - started
            )


@dataclass(frozen=True)
class MetricsAccess:
    """Whether /metrics answers at all, and the bearer token a scraper must send."""

    enabled: bool
    token: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> MetricsAccess:
        """Read once at start-up: an unreadable or too short token file stops it here."""
        section = settings.metrics
        if not section.enabled:
            return cls(False)
        token = section.token
        if section.token_file != Path(""):
            path = section.token_file
            path = path if path.is_absolute() else PROJECT_ROOT / path
            try:
                token = path.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise SettingsError(f"metrics.token_file: cannot read {path}: {exc}") from None
            if len(token) < 16:
                raise SettingsError(f"metrics.token_file: {path} holds no token of 16+ characters")
        return cls(True, token)

    def status_for(self, authorization: str) -> int:
        """200 for the right bearer token, 401 for none or another, 404 when metrics are off."""
        if not self.enabled:
            return 404
        scheme, _, given = authorization.partition(" ")
        right = hmac.compare_digest(given.strip().encode(), self.token.encode())
        return 200 if scheme.lower() == "bearer" and right else 401


async def database_figures(now: datetime) -> list[Metric]:
    """The installation's figures, read from the database now."""
    backlog = await outbox_figures.backlog(now)
    dead = await outbox_figures.dead()
    due = GaugeMetricFamily(
        "lawmeet_outbox_due", "Notices due to be sent now and not yet sent.", labels=["channel"]
    )
    oldest = GaugeMetricFamily(
        "lawmeet_outbox_oldest_due_seconds",
        "How long the longest-waiting due notice has been due (0: none due).",
        labels=["channel"],
    )
    dead_family = GaugeMetricFamily(
        "lawmeet_notifications_dead",
        "Notices given up on (dead) until an operator retries them.",
        labels=["channel"],
    )
    for channel, figures in backlog.items():
        due.add_metric([channel.value], figures.due)
        oldest.add_metric([channel.value], figures.oldest_due_seconds)
        dead_family.add_metric([channel.value], dead[channel])
    risks = await at_risk_by_facility(now)
    labels = ["facility_id", "facility"]
    at_risk = GaugeMetricFamily(
        "lawmeet_meeting_requests_at_risk",
        "Open meeting requests within 12 hours of their 48-hour limit, or past it.",
        labels=labels,
    )
    overdue = GaugeMetricFamily(
        "lawmeet_meeting_requests_overdue",
        "Open meeting requests past their 48-hour limit.",
        labels=labels,
    )
    for facility_id, name in await Facility.all().order_by("id").values_list("id", "name"):
        count = risks.get(facility_id)
        at_risk.add_metric([str(facility_id), name], count.at_risk if count else 0)
        overdue.add_metric([str(facility_id), name], count.overdue if count else 0)
    return [due, oldest, dead_family, at_risk, overdue, *await _audit_figures(now)]


async def _audit_figures(now: datetime) -> list[Metric]:
    unsigned = GaugeMetricFamily(
        "lawmeet_audit_unsigned_entries",
        "Audit entries appended since the last signed tree head.",
    )
    head = await AuditHead.get_or_none(id=1)
    checkpoint = await latest_checkpoint()
    size = head.tree_size if head else 0
    unsigned.add_metric([], size - (checkpoint.size if checkpoint else 0))
    if checkpoint is None:
        return [unsigned]  # never signed: the age is absent
    age = GaugeMetricFamily(
        "lawmeet_audit_checkpoint_age_seconds",
        "Seconds since the last signed audit tree head.",
    )
    age.add_metric([], max((now - checkpoint.at).total_seconds(), 0.0))
    return [unsigned, age]


class _Fixed(Collector):
    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterable[Metric]:
        return self.families


async def exposition(include_database: bool = True) -> bytes:
    """The text a scrape gets: this process's figures and (unless the caller serves a worker's
    own port) the database's. A failing database query leaves its figures out and says so in
    `lawmeet_metrics_database_up`, so the process's own figures still arrive."""
    families: list[Metric] = []
    if include_database:
        up = GaugeMetricFamily(
            "lawmeet_metrics_database_up", "1 when this scrape could read the database."
        )
        try:
            families = await database_figures(clock.now())
            up.add_metric([], 1)
        except Exception:
            log.exception("metrics: reading the database failed")
            families = []
            up.add_metric([], 0)
        families.append(up)
    scrape = CollectorRegistry()
    scrape.register(_Fixed(families))
    return generate_latest(REGISTRY) + generate_latest(scrape)
