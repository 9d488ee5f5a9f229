"""Every Prometheus metric loopledger exposes: the API's, the worker's and the lag of derived state.

The API serves its metrics on GET /metrics (api/observability.py), the worker on its own port
(workers/observability.py). The lag gauges are not kept up to date by anyone: they are read from
the database when scraped (LagCollector), so they are right even while no worker runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session, sessionmaker

from ledger.chains import maintain
from ledger.db import aware, read_snapshot
from ledger.events.models import EventRow
from ledger.events.service import head_seq
from ledger.metrics import service as metrics_service

# Latencies from a status read (milliseconds) to a hub firm's chain on a big ledger (tens of seconds).
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
# Tasks run from a no-op catch-up (milliseconds) to a bulk import (many minutes).
TASK_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)

# The derived tables by the tracking consumer keeping their watermark (the names GET /v1/status
# uses): the liquidity table, and the stored metric parts (brought up to the liquidity watermark).
DERIVED = (maintain.CONSUMER, metrics_service.PARTS)


class ApiMetrics:
    """The API's own metrics, in the registry its /metrics serves (one per app)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "loopledger_http_requests",
            "HTTP requests answered, by method, route template and status",
            ["method", "route", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "loopledger_http_request_duration_seconds",
            "Time to answer an HTTP request (to the last byte of the body), by method and route template",
            ["method", "route"],
            buckets=HTTP_BUCKETS,
            registry=registry,
        )
        self.events_appended = Counter(
            "loopledger_events_appended",
            "Events the API appended to the log (counted after the commit; replays of known events are not)",
            registry=registry,
        )


class WorkerMetrics:
    """A worker's task metrics (in prefork mode every pool process writes its own share)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.runs = Counter(
            "loopledger_task_runs",
            "Task runs that ended, by task name and final state (SUCCESS, FAILURE, RETRY, ...)",
            ["task", "state"],
            registry=registry,
        )
        self.failures = Counter(
            "loopledger_task_failures",
            "Task runs that raised (retries excluded), by task name",
            ["task"],
            registry=registry,
        )
        self.duration = Histogram(
            "loopledger_task_duration_seconds",
            "Time a task run took, by task name",
            ["task"],
            buckets=TASK_BUCKETS,
            registry=registry,
        )


@dataclass(frozen=True)
class Lag:
    table: str
    seq: int  # the log seq the table reflects
    events: int  # events appended since
    seconds: float  # age of the oldest of those events; 0 when caught up


def lags(session: Session, *, now: dt.datetime) -> list[Lag]:
    """How far each derived table is behind the log: a handful of primary-key reads."""
    head = head_seq(session)
    found = []
    for table in DERIVED:
        at = maintain.position(session, consumer=table)
        seconds = 0.0
        if head > at:
            oldest = aware(session.scalar(sa.select(EventRow.recorded_at).where(EventRow.seq == at + 1)))
            seconds = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
        found.append(Lag(table=table, seq=at, events=max(0, head - at), seconds=seconds))
    return found


class LagCollector(Collector):
    """Scrape-time gauges of the log head and of each derived table's lag, from one snapshot."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("loopledger_lag_up", "1 if the lag gauges were read from the database on this scrape")
        try:
            with read_snapshot(self.factory) as session:
                head = head_seq(session)
                found = lags(session, now=dt.datetime.now(dt.UTC))
        except sa.exc.SQLAlchemyError:
            # A scrape during a database outage still answers (the process metrics, and this 0).
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily("loopledger_log_head_seq", "seq of the last event in the log", value=head)
        events = GaugeMetricFamily(
            "loopledger_derived_events_behind", "Events in the log a derived table does not reflect yet", labels=["table"]
        )
        seconds = GaugeMetricFamily(
            "loopledger_derived_seconds_behind",
            "Age of the oldest event a derived table does not reflect yet (0 when caught up)",
            labels=["table"],
        )
        position = GaugeMetricFamily("loopledger_derived_seq", "The log seq a derived table reflects (its watermark)", labels=["table"])
        for lag in found:
            events.add_metric([lag.table], lag.events)
            seconds.add_metric([lag.table], lag.seconds)
            position.add_metric([lag.table], lag.seq)
        yield from (events, seconds, position)
