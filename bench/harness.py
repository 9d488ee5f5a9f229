"""The benchmark: start the stack as a user would, load a synthetic ledger, measure, compare.

    python -m bench run --size 100k [--keep] [--stages freshness,import,baseline --into FILE]

PostgreSQL (a fresh database on the local server), Redis (a private db number), the API
(`loopledger serve --workers 2`) and a worker (2 processes) are started as subprocesses. Figures go to
bench/results/<date>-<size>.json and are printed as a table. The baseline (bench/baseline/
analyst.py: a vectorized pandas + numpy analyst over the exported log) runs on the same data; its numbers must
equal loopledger's (a disagreement is printed and fails the run) and its time gives the ratio.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import gc
import hashlib
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import httpx
import psycopg
import redis
import sqlalchemy as sa
from psycopg.types.json import Jsonb

from bench import dashboard, exports, ledgers

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
PORT = 8765
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}


def db_url(name: str) -> str:
    return sa.engine.make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)


@contextmanager
def fresh_database(name: str) -> Iterator[str]:
    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    yield db_url(name)


def analyze(url: str) -> None:
    """Refresh the planner's statistics after a bulk load, as autovacuum does some minutes later:
    right after 1M events the planner still believed round_investor held 106k rows and scanned
    all 1.4M of them for a lookup of 100 rounds (311 ms; 0.8 ms once analyzed)."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()


def loaded_database(name: str, events: int) -> str:
    """An earlier run's database, which must hold at least `events` events."""
    url = db_url(name)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            held = conn.exec_driver_sql("SELECT count(*) FROM event").scalar() or 0
    except sa.exc.DBAPIError as exc:
        raise RuntimeError(f"{name} holds no ledger ({exc.orig}): run the stages with ingest first") from exc
    finally:
        engine.dispose()
    if held < events:
        raise RuntimeError(f"{name} holds {held:,} events, fewer than the {events:,} of the ledger: run ingest first")
    return url


# The API stores this as its operator (admin) key at start-up, as docker-compose does.
ADMIN_KEY = "ll_bench-" + secrets.token_urlsafe(32)
AUTH = {"Authorization": f"Bearer {ADMIN_KEY}"}


def _env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "LOOPLEDGER_DATABASE_URL": database_url,
        "LOOPLEDGER_BROKER_URL": REDIS,
        # BENCH_LOG_LEVEL=info keeps each request and uvicorn's "Child process died" in api.log.
        "LOOPLEDGER_LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "warning"),
        "LOOPLEDGER_ADMIN_KEY": ADMIN_KEY,
    }


def _cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PYTHON, "-m", "cli.main", *args], cwd=ROOT, env=_env(database_url), capture_output=True, text=True, check=True)


class Stack:
    """The API and a worker as subprocesses, their peak memory read from /proc."""

    def __init__(self, database_url: str, logs: Path) -> None:
        self.database_url = database_url
        env = _env(database_url)
        redis.Redis.from_url(REDIS).flushdb()
        _cli(database_url, "db", "upgrade")
        self.api = subprocess.Popen(
            [PYTHON, "-m", "cli.main", "serve", "--port", str(PORT), "--workers", "2"],
            cwd=ROOT, env=env, stdout=(logs / "api.log").open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.worker = subprocess.Popen(
            [PYTHON, "-m", "cli.main", "worker", "--pool", "prefork", "--concurrency", "2", "--beat"],
            cwd=ROOT, env=env, stdout=(logs / "worker.log").open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.client = httpx.Client(headers=AUTH, base_url=f"http://127.0.0.1:{PORT}", timeout=600)
        wait(lambda: self._ready(), 60, "the API to be ready")

    def _ready(self) -> bool:
        try:
            return self.client.get("/readyz").status_code == 200
        except httpx.HTTPError:
            return False

    def cpu_seconds(self) -> float:
        """CPU time used so far by every process of the API and the worker."""
        ticks = 0
        for process in (self.api, self.worker):
            for pid in _group(process.pid):
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def settle(self, timeout: float = 600.0) -> float:
        """Wait until the stack is idle (under 5% of a core over 2 s): an API process that just
        started reads the engine's columns in the background, and a measure taken meanwhile would
        share the two cores with it. Returns the seconds waited."""
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            before = self.cpu_seconds()
            time.sleep(2.0)
            if self.cpu_seconds() - before < 0.1:
                break
        return round(time.perf_counter() - started, 1)

    def peak_rss_mb(self, process: subprocess.Popen[Any]) -> float:
        """Highest resident memory of any process of the group (VmHWM), in MB."""
        peak = 0
        for pid in _group(process.pid):
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
            except OSError:
                continue
        return round(peak / 1024, 1)

    def stop(self) -> None:
        self.client.close()
        for p in (self.api, self.worker):
            try:
                os.killpg(p.pid, signal.SIGTERM)
                p.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(p.pid, signal.SIGKILL)


def _group(pgid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    out.append(int(entry.name))
            except OSError:
                continue
    return out


def wait(check: Callable[[], Any], timeout: float, what: str, every: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f} s for {what}")
        time.sleep(every)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1)


# ---- the measures -------------------------------------------------------------------------------


def batch_ingest(
    client: httpx.Client, events: list[dict[str, Any]], regions: dict[str, Any], progress: Callable[[dict[str, Any]], None]
) -> dict[str, Any]:
    """1,000-event batches, one after another; `progress` gets the figures so far every 50 batches
    (a run stopped during a long load keeps the rate at the size it reached)."""
    for slug, definition in regions.items():
        client.put(f"/v1/regions/{slug}", json=definition).raise_for_status()
    started = time.perf_counter()

    def figures(done: int) -> dict[str, Any]:
        took = time.perf_counter() - started
        return {"events": done, "seconds": round(took, 1), "events_per_second": round(done / took)}

    for start in range(0, len(events), 1000):
        response = client.post("/v1/events/batch", json={"events": events[start : start + 1000]})
        if response.status_code != 201:
            raise RuntimeError(f"batch at {start}: {response.status_code} {response.text[:500]}")
        if (start // 1000) % 50 == 49:
            progress(figures(start + 1000) | {"of": len(events)})
    return figures(len(events))


def copy_floor(database_url: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    """The floor under batch ingest: the same events as log rows (JSONB body, hashes), written by
    one plain COPY into a table made like the log (its indexes and unique keys) and committed.
    The rows are made before the clock starts: the floor is the database's part alone."""
    recorded_at = dt.datetime.now(dt.UTC)
    rows = [
        (
            seq,
            e.get("event_id") or str(uuid.uuid4()),
            e["type"],
            dt.date.fromisoformat(e["occurred_on"]),
            recorded_at,
            e.get("source"),
            Jsonb(e["data"]),
            hashlib.sha256(f"body {seq}".encode()).hexdigest(),
            hashlib.sha256(f"chain {seq}".encode()).hexdigest(),
        )
        for seq, e in enumerate(events, start=1)
    ]
    columns = "seq, event_id, type, occurred_on, recorded_at, source, data, body_hash, chain_hash"
    with psycopg.connect(sa.engine.make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_copy_floor")
        conn.execute("CREATE TABLE bench_copy_floor (LIKE event INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)")
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cursor, cursor.copy(f"COPY bench_copy_floor ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        conn.commit()
        took = time.perf_counter() - started
        conn.execute("DROP TABLE bench_copy_floor")
        conn.commit()
    return {"events": len(rows), "seconds": round(took, 2), "events_per_second": round(len(rows) / took)}


def caught_up(client: httpx.Client) -> dict[str, Any]:
    """Wait until the liquidity table reached the log head; how long that took."""
    started = time.perf_counter()
    wait(lambda: client.get("/v1/status").json()["derived"]["liquidity"]["lag"] == 0, 3600, "the catch-up", every=0.5)
    return {"seconds": round(time.perf_counter() - started, 1)}


def single_posts(client_factory: Callable[[], httpx.Client], firms: list[str], n: int, clients: int = 16) -> dict[str, Any]:
    """n independent single-event POSTs (new firms; headcounts of existing ones) from 16 clients."""
    rng = random.Random(3)
    events = []
    for i in range(n):
        if i % 2:
            events.append({"type": "headcount.reported", "occurred_on": "2025-06-30", "data": {"firm": rng.choice(firms), "employees": i}})
        else:
            firm = f"bench-single-{uuid.uuid4().hex[:10]}"
            events.append(
                {
                    "type": "firm.founded",
                    "occurred_on": "2024-01-01",
                    "data": {"firm": {"id": firm, "name": firm}, "location": {"country": "KR", "subdivision": "KR-30"}},
                }
            )
    latencies: list[float] = []

    def worker(part: list[dict[str, Any]]) -> list[float]:
        out = []
        with client_factory() as c:
            for e in part:
                t = time.perf_counter()
                r = c.post("/v1/events", json=e)
                out.append(time.perf_counter() - t)
                if r.status_code != 201:
                    raise RuntimeError(f"{r.status_code} {r.text[:300]}")
        return out

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        for part in pool.map(worker, [events[i::clients] for i in range(clients)]):
            latencies += part
    took = time.perf_counter() - started
    return {
        "events": n,
        "clients": clients,
        "events_per_second": round(n / took),
        "p50_ms": percentile(latencies, 0.5),
        "p99_ms": percentile(latencies, 0.99),
    }


def full_recompute(client: httpx.Client) -> dict[str, Any]:
    started = time.perf_counter()
    task = client.post("/v1/recompute").json()["task_id"]
    done = wait(
        lambda: (t := client.get(f"/v1/tasks/{task}").json())["state"] in ("succeeded", "failed") and t, 3600, "the recompute", every=0.2
    )
    if done["state"] != "succeeded":
        raise RuntimeError(f"recompute failed: {done}")
    began, ended = (dt.datetime.fromisoformat(done[k]) for k in ("started_at", "finished_at"))
    return {
        "seconds": round(time.perf_counter() - started, 1),
        # From the task's own start: without the time its message waited for a free worker process.
        "work_seconds": round((ended - began).total_seconds(), 1),
        "chunks": done["result"]["chunks"],
        "metric_parts": done["result"]["metric_parts"],
    }


def freshness(
    client: httpx.Client, pairs: list[tuple[str, str]], region: str, rate: float = 50.0, n: int = 100, budget: float = 600.0
) -> dict[str, Any]:
    """POST n rounds (a liquid investor into a firm) at a steady `rate` per second, each sent at
    its time by its own sender (open loop); per event, how long until the firm's upstream chain
    shows it (checked by 4 reader threads, so a slow chain answer delays the reading, never the
    posting) and until the region's stored metric set has caught up with it (seq reached, not
    stale). Readers start no chain query after `budget` seconds (an event not seen by then is
    counted in `chain_unseen`), nor is the metric set polled after it (`metric_unseen`)."""
    base = client.base_url
    deadline = time.perf_counter() + budget

    def chain_lag(seq: int, sent: float, firm: str) -> float | None:
        with httpx.Client(headers=AUTH, base_url=base, timeout=None) as reader:
            while time.perf_counter() < deadline:
                body = reader.get(f"/v1/chains/{firm}", params={"direction": "upstream", "max_depth": 1, "limit": 1}).json()
                if body["seq"] >= seq:
                    return time.perf_counter() - sent
                time.sleep(0.05)
        return None

    post_ms: list[float] = []

    def post(i: int) -> tuple[int, float, str]:
        """The i-th round, sent at its time on the schedule whatever the earlier ones took."""
        actor, firm = pairs[i % len(pairs)]
        time.sleep(max(0.0, started + i / rate - time.perf_counter()))
        sent = time.perf_counter()
        r = client.post(
            "/v1/events",
            json={
                "type": "funding.round",
                "occurred_on": "2025-06-01",
                "data": {"firm": firm, "round": "other", "investors": [{"investor": actor}]},
            },
        )
        r.raise_for_status()
        post_ms.append(time.perf_counter() - sent)
        return r.json()["seq"], sent, firm

    # Open loop: a sender per post, so a slow answer delays no later post (one sender posting
    # in turn fell to 2 posts/s at 100k while the chain readers held the API processes).
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(n) as senders, concurrent.futures.ThreadPoolExecutor(4) as readers:
        checks = []
        pending: list[tuple[int, float, str]] = []
        for done in concurrent.futures.as_completed([senders.submit(post, i) for i in range(n)]):
            seq, sent, firm = done.result()
            pending.append((seq, sent, firm))
            checks.append(readers.submit(chain_lag, seq, sent, firm))
        posted_rate = n / (time.perf_counter() - started)
        pending.sort()
        # Metric sets are refreshed by the workers after each catch-up.
        metric_lags: list[float] = []
        last_seq = pending[-1][0]
        params = {"from": "2025-01-01", "to": "2025-12-31"}
        waiting = list(pending)
        while waiting and time.perf_counter() < deadline:
            body = client.get(f"/v1/regions/{region}/metrics", params=params).json()
            now = time.perf_counter()
            while waiting and not body["stale"] and body["seq"] >= waiting[0][0]:
                metric_lags.append(now - waiting.pop(0)[1])
            if body["seq"] >= last_seq and not body["stale"]:
                break
            time.sleep(0.05)
        seen = [c.result() for c in checks]
        chain_lags = [lag for lag in seen if lag is not None]
    return {
        "events": n,
        "rate_per_second": rate,
        "posted_per_second": round(posted_rate, 1),
        "post_p50_ms": percentile(post_ms, 0.5),
        "post_p99_ms": percentile(post_ms, 0.99),
        "chain_p50_ms": percentile(chain_lags, 0.5) if chain_lags else None,
        "chain_p95_ms": percentile(chain_lags, 0.95) if chain_lags else None,
        "chain_unseen": len(seen) - len(chain_lags),
        "metric_p50_ms": percentile(metric_lags, 0.5) if metric_lags else None,
        "metric_p95_ms": percentile(metric_lags, 0.95) if metric_lags else None,
        "metric_unseen": len(waiting),
    }


def chain_queries(client: httpx.Client, roots: list[str], budget: float = 1800.0) -> dict[str, Any]:
    """The first page of each random root's chain (default page, every generation) and of its
    hops, per direction, one after another, once the API has read the engine's columns
    (`core_load_ms`: from the first try to the first answer, the API just started). No query
    starts once `budget` seconds have passed in a direction: `queries` says how many ran."""

    def timed(path: str, params: dict[str, Any]) -> tuple[float, dict[str, Any]]:
        t = time.perf_counter()
        response = client.get(path, params=params, timeout=None)
        response.raise_for_status()
        return time.perf_counter() - t, response.json()

    # The API reads the engine's columns when it starts and answers 503 with Retry-After until
    # then: ask as a client would, and time how long the first answer took from the first try.
    started = time.perf_counter()
    while (first := client.get(f"/v1/chains/{roots[0]}", params={"limit": 1}, timeout=None)).status_code == 503:
        time.sleep(float(first.headers.get("retry-after", "1")))
    first.raise_for_status()
    out: dict[str, Any] = {"core_load_ms": round((time.perf_counter() - started) * 1000)}
    for direction in ("downstream", "upstream"):
        times: list[float] = []
        hops: list[float] = []
        largest: dict[str, Any] = {"root": None, "multiplier": -1, "ms": 0.0}
        deadline = time.perf_counter() + budget
        for root in roots:
            if time.perf_counter() > deadline:
                break
            took, page = timed(f"/v1/chains/{root}", {"direction": direction})
            times.append(took)
            if page["multiplier"] > largest["multiplier"]:
                largest = {"root": root, "multiplier": page["multiplier"], "ms": round(took * 1000, 1)}
            hops.append(timed(f"/v1/chains/{root}/hops", {"direction": direction})[0])
        out[direction] = {
            "queries": len(times),
            "not_run": len(roots) - len(times),
            "p50_ms": percentile(times, 0.5),
            "p95_ms": percentile(times, 0.95),
            "max_ms": percentile(times, 1.0),
            "hops_p50_ms": percentile(hops, 0.5),
            "hops_p95_ms": percentile(hops, 0.95),
            "largest": largest,
        }
    return out


def metric_reads(client: httpx.Client, regions: list[str]) -> dict[str, Any]:
    def timed(path: str, params: dict[str, Any]) -> float:
        t = time.perf_counter()
        client.get(path, params=params).raise_for_status()
        return time.perf_counter() - t

    cold = [timed(f"/v1/regions/{r}/metrics", {"from": "2000-01-01", "to": "2020-06-30"}) for r in regions]
    cached = [timed(f"/v1/regions/{r}/metrics", {"from": "2000-01-01", "to": "2020-12-31"}) for r in regions for _ in range(5)]
    series = [timed(f"/v1/regions/{r}/metrics/series", {"from_year": 1995, "to_year": 2024}) for r in regions]
    compare = [timed("/v1/compare", {"regions": f"{regions[0]},{regions[1]}", "from": "2000-01-01", "to": "2020-12-31"})]
    return {
        "cold_p50_ms": percentile(cold, 0.5), "cold_max_ms": percentile(cold, 1.0),
        "cached_p50_ms": percentile(cached, 0.5), "cached_max_ms": percentile(cached, 1.0),
        "series_30y_p50_ms": percentile(series, 0.5), "series_30y_max_ms": percentile(series, 1.0),
        "compare_ms": percentile(compare, 1.0),
    }  # fmt: skip


def crunchbase_import(rows: int, work: Path) -> dict[str, Any]:
    """A ragged Crunchbase-layout export imported by the CLI into its own database."""
    export = work / "crunchbase"
    written = exports.generate(export, rows, gaps=True)
    with fresh_database("loopledger_bench_import") as url:
        _cli(url, "db", "upgrade")
        started = time.perf_counter()
        _cli(url, "import", "crunchbase", str(export))
        took = time.perf_counter() - started
    return {"rows": written.total, "seconds": round(took, 1), "rows_per_second": round(written.total / took)}


def baseline(
    client: httpx.Client, database_url: str, work: Path, roots: list[str], regions: dict[str, Any], years: range
) -> dict[str, Any]:
    """The vectorized analyst (pandas + numpy) over the exported log; same numbers as
    loopledger's, and its time."""
    out_dir = work / "export"
    _cli(database_url, "export", "--format", "jsonl", str(out_dir))
    slugs = list(regions)[:2]
    took, hop_count, chains, metrics, steps = _analyst(out_dir / "events.jsonl", roots, {s: regions[s]["members"] for s in slugs}, years)
    gc.collect()  # the frames sit in reference cycles: at 1M, 8 GB stayed resident until collected
    disagreements = []
    for root in roots:
        ours = _generations(client, root)
        if ours != chains[root]:
            disagreements.append(f"downstream of {root}: loopledger {len(ours)} firms, baseline {len(chains[root])}")
    for slug in slugs:
        series = client.get(f"/v1/regions/{slug}/metrics/series", params={"from_year": years.start, "to_year": years.stop - 1}).json()[
            "years"
        ]
        for year_set in series:
            year = int(year_set["from"][:4])
            for name, value in metrics[slug][year].items():
                ours = year_set[name]
                same = ours == value if not isinstance(value, float) else ours is not None and abs(ours - value) < 1e-9
                if not same:
                    disagreements.append(f"{slug} {year} {name}: loopledger {ours}, baseline {value}")
    return {
        "seconds": round(took, 1),
        "steps_seconds": steps,
        "hops": hop_count,
        "roots": len(roots),
        "disagreements": disagreements[:20],
        "agree": not disagreements,
    }


def _generations(client: httpx.Client, root: str) -> dict[str, int]:
    """loopledger's downstream firms of root and their generations, read page by page."""
    out: dict[str, int] = {}
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2000} | ({"cursor": cursor} if cursor else {})
        page = client.get(f"/v1/chains/{root}", params=params, timeout=None).json()
        out.update((f["id"], f["generation"]) for f in page["firms"])
        cursor = page["next_cursor"]
        if cursor is None:
            return out


def _analyst(
    log: Path, roots: list[str], members: dict[str, list[dict[str, Any]]], years: range
) -> tuple[float, int, dict[str, dict[str, int]], dict[str, dict[int, dict[str, Any]]], dict[str, float]]:
    """The analyst's seconds, hop count, chains, metrics and the seconds of each step. Its frames
    end with this call (and the caller's collection): at 1M they are gigabytes."""
    from bench.baseline import analyst

    steps: dict[str, float] = {}
    started = time.perf_counter()
    frames = analyst.load(log)
    steps["load"] = time.perf_counter() - started
    t = time.perf_counter()
    hops = analyst.hops(frames, 10)
    steps["hops"] = time.perf_counter() - t
    t = time.perf_counter()
    chains = analyst.chains(hops, roots)
    steps["chains"] = time.perf_counter() - t
    t = time.perf_counter()
    metrics = {slug: analyst.yearly_metrics(frames, hops, region, years, 10) for slug, region in members.items()}
    steps["metrics"] = time.perf_counter() - t
    return time.perf_counter() - started, len(hops), chains, metrics, {k: round(v, 1) for k, v in steps.items()}


# ---- the run -------------------------------------------------------------------------------------


STAGES = ("ingest", "single", "recompute", "chains", "metrics", "dashboard", "freshness", "import", "baseline")
# The dashboard stage needs Chromium: run when named only.
DEFAULT_STAGES = tuple(s for s in STAGES if s != "dashboard")


def parse_stages(text: str) -> list[str]:
    """A comma-separated subset of STAGES (the `--stages` argument)."""
    stages = text.split(",")
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown stage {', '.join(unknown)}; choose from {','.join(STAGES)}")
    return stages


def run(size: str, *, keep: bool = False, stages: Sequence[str] = DEFAULT_STAGES, into: Path | None = None) -> dict[str, Any]:
    """Every stage by default. Without "ingest" the database of an earlier run of this size is
    reused (it must hold the ledger: `loopledger_bench_<size>` is left in place after a run), and
    `into` names an earlier result file to add the figures to, each stage's commit recorded in
    `measured_at` (a 1M run takes hours; a stage can be measured again alone)."""
    n = SIZES[size]
    measured = commit()  # before the minutes of generation, during which the tree may change
    name = f"loopledger_bench_{size}"
    loaded = None if "ingest" in stages else loaded_database(name, n)
    work = Path(tempfile.mkdtemp(prefix=f"loopledger-bench-{size}-"))
    print(f"generating a {size} ledger in {work}", flush=True)
    doc = ledgers.generate(n)
    events, regions = doc["events"], doc["regions"]
    single = min(5000, n // 10)
    if into is not None:
        results: dict[str, Any] = json.loads(into.read_text(encoding="utf-8"))
        if results["size"] != size:
            raise ValueError(f"{into} holds a {results['size']} run, not {size}")
        results.setdefault("measured_at", {})
        out = into
    else:
        results = {"size": size, "events": n, "date": dt.date.today().isoformat(), "commit": measured, "machine": machine()}
        out = ROOT / "bench" / "results" / f"{results['date']}-{size}.json"
    out.parent.mkdir(parents=True, exist_ok=True)

    def save() -> None:  # after every measure: a long run that is stopped keeps what it measured
        out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")

    def record(key: str, stage: str, figures: Any) -> None:
        results[key] = figures
        if "measured_at" in results:
            results["measured_at"][stage] = measured
        save()

    def peak_rss(ran: Sequence[str]) -> None:
        # The import has a database and processes of its own: the stack's peak says nothing of it.
        served = [s for s in ran if s != "import"]
        if served:
            record("peak_rss_mb", "+".join(served), {"api": stack.peak_rss_mb(stack.api), "worker": stack.peak_rss_mb(stack.worker)})

    def partial(ingest: dict[str, Any]) -> None:
        results["batch_ingest"] = ingest
        save()

    with fresh_database(name) if loaded is None else nullcontext(loaded) as url:
        stack = Stack(url, work)
        try:
            if "ingest" in stages:
                print("batch ingest", flush=True)
                record("batch_ingest", "ingest", batch_ingest(stack.client, events, regions, partial))
                record("catch_up_after_batches", "ingest", caught_up(stack.client))
                analyze(url)
                print("plain COPY of the same rows (the floor)", flush=True)
                record("copy_floor", "ingest", copy_floor(url, events))
            closed = {e["data"]["firm"] for e in events if e["type"] == "firm.closed"}
            firms = [
                _firm_id(e) for e in events if e["type"] == "firm.founded" and _firm_id(e) not in closed and e["occurred_on"] < "2025-01-01"
            ]
            del events, doc  # gigabytes at 1M, which the analyst's frames and a hub's answer need
            if "single" in stages:
                print("single posts", flush=True)
                client = lambda: httpx.Client(headers=AUTH, base_url=stack.client.base_url, timeout=60)  # noqa: E731
                record("single_posts", "single", single_posts(client, firms, single))
                record("catch_up_after_singles", "single", caught_up(stack.client))
            caught_up(stack.client)
            if "recompute" in stages:
                print(f"full recompute (after {stack.settle()} s for the stack to be idle)", flush=True)
                record("full_recompute", "recompute", full_recompute(stack.client))
            rng = random.Random(7)
            roots = rng.sample(firms, 100 if n < 100_000 else 50 if n < 1_000_000 else 10)
            if "chains" in stages:
                print("chain queries", flush=True)
                record("chains", "chains", chain_queries(stack.client, roots, budget=1800 if n < 1_000_000 else 600))
            if "metrics" in stages:
                print("metric reads", flush=True)
                record("metrics", "metrics", metric_reads(stack.client, list(regions)[:3]))
            if "dashboard" in stages:
                print("dashboard pages in Chromium", flush=True)
                shots = ROOT / "bench" / "results" / f"dashboard-{size}"
                pages = dashboard.subjects(url, list(regions))
                record("dashboard", "dashboard", dashboard.summary(dashboard.walk(str(stack.client.base_url), ADMIN_KEY, pages, shots)))
            if "freshness" in stages:
                liquid = _liquid_pairs(url, firms, rng)
                print("freshness", flush=True)
                record("freshness", "freshness", freshness(stack.client, liquid, "daejeon", budget=600 if n < 1_000_000 else 900))
            peak_rss([s for s in stages if s != "baseline"])
            # Before the baseline: at 1M the analyst's in-memory hop list is the longest and
            # largest step, and a run stopped during it keeps every other figure.
            if "import" in stages:
                print("crunchbase import", flush=True)
                record("crunchbase_import", "import", crunchbase_import(168_000 if n >= 100_000 else 16_800, work))
            if "baseline" in stages:
                print("baseline", flush=True)
                record("baseline", "baseline", baseline(stack.client, url, work, roots[:20], regions, range(1995, 2025)))
                if "full_recompute" in results:
                    ratio = results["baseline"]["seconds"] / max(results["full_recompute"]["seconds"], 0.001)
                    record("speed_ratio_recompute_vs_baseline", "baseline", round(ratio, 1))
                peak_rss(stages)  # again: the API has built the roots' chain answers
        finally:
            stack.stop()
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    print(table(results))
    print(f"written to {out}")
    return results


def _firm_id(event: dict[str, Any]) -> str:
    firm = event["data"]["firm"]
    return firm if isinstance(firm, str) else str(firm["id"])


def _liquid_pairs(database_url: str, firms: list[str], rng: random.Random) -> list[tuple[str, str]]:
    """(investor with exit money, firm) pairs for freshness posts: investors liquid within the
    10 years before the posts' date, read from the liquidity table (a chain query per candidate
    root costs minutes on hub firms at 1M)."""
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        actors = (
            conn.exec_driver_sql(
                "SELECT DISTINCT l.actor_id FROM liquidity_event l"
                " WHERE l.actor_id <> l.firm_id AND l.liquidity_on > '2015-06-01' AND l.liquidity_on < '2025-06-01'"
                " AND EXISTS (SELECT 1 FROM round_investor r WHERE r.investor_id = l.actor_id)"
                " ORDER BY l.actor_id LIMIT 200"
            )
            .scalars()
            .all()
        )
    engine.dispose()
    return [(actor, rng.choice(firms)) for actor in rng.sample(list(actors), min(20, len(actors)))] or [("vc0", rng.choice(firms))]


def commit() -> str:
    """The code measured: the commit, marked dirty when the work tree differs from it."""
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True).stdout
    return head + ("-dirty" if dirty.strip() else "")


def machine() -> dict[str, Any]:
    cpu = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")]
    mem = [int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")]
    pg = sa.create_engine(POSTGRES)
    with pg.connect() as conn:
        version = conn.exec_driver_sql("SHOW server_version").scalar()
    pg.dispose()
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu[0] if cpu else None,
        "memory_gb": round(mem[0] / 1024 / 1024, 1),
        "postgresql": version,
        "python": sys.version.split()[0],
    }


def _recompute(r: dict[str, Any]) -> str:
    text = f"{r['seconds']} s ({r['chunks']} chunks, {r['metric_parts']} parts)"
    if r.get("work_seconds") is not None and r["seconds"] - r["work_seconds"] > 1:
        text += f"; {r['work_seconds']} s from the task's start"
    return text


def _chains(c: dict[str, Any]) -> str:
    text = f"{c['p50_ms']} / {c['p95_ms']} ms"
    if c.get("not_run"):  # the direction's time budget ran out
        text += f" ({c['queries']} of {c['queries'] + c['not_run']} roots in the budget)"
    return text


def _freshness(f: dict[str, Any]) -> str:
    def side(p95: float | None, unseen: int | None) -> str:
        text = "none seen" if p95 is None else f"{p95} ms"
        return text + (f" ({unseen} of {f['events']} unseen in the budget)" if unseen else "")

    return f"{side(f['chain_p95_ms'], f.get('chain_unseen'))} / {side(f['metric_p95_ms'], f.get('metric_unseen'))}"


_FORMATS: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
    (
        "single-event POST, 16 clients",
        lambda r: (
            f"{r['single_posts']['events_per_second']:,}/s, p50 {r['single_posts']['p50_ms']} ms, p99 {r['single_posts']['p99_ms']} ms"
        ),
    ),
    ("batch ingest (1,000-event batches)", lambda r: f"{r['batch_ingest']['events_per_second']:,}/s"),
    (
        "plain COPY of the same log rows (floor)",
        lambda r: (
            f"{r['copy_floor']['events_per_second']:,}/s; ingest at "
            f"{r['batch_ingest']['events_per_second'] / r['copy_floor']['events_per_second']:.0%} of it"
        ),
    ),
    ("catch-up after the batches", lambda r: f"{r['catch_up_after_batches']['seconds']} s"),
    ("catch-up after the single posts", lambda r: f"{r['catch_up_after_singles']['seconds']} s"),
    (
        "Crunchbase-layout import",
        lambda r: "{rows:,} rows in {seconds} s ({rows_per_second:,} rows/s)".format(**r["crunchbase_import"]),
    ),
    ("full recompute", lambda r: _recompute(r["full_recompute"])),
    (
        "vectorized analyst (pandas + numpy)",
        lambda r: f"{r['baseline']['seconds']} s, {r['baseline']['hops']:,} hops; agree: {r['baseline']['agree']}",
    ),
    ("recompute vs baseline", lambda r: f"{r['speed_ratio_recompute_vs_baseline']}x"),
    ("freshness: chain / metric p95", lambda r: _freshness(r["freshness"])),
    ("chain first page p50/p95 down", lambda r: _chains(r["chains"]["downstream"])),
    ("chain first page p50/p95 up", lambda r: _chains(r["chains"]["upstream"])),
    (
        "largest chain's first page down / up",
        lambda r: " / ".join(
            f"{r['chains'][d]['largest']['ms']} ms ({r['chains'][d]['largest']['multiplier']:,} firms)" for d in ("downstream", "upstream")
        ),
    ),
    (
        "hops page p50/p95 down / up",
        lambda r: " / ".join(f"{r['chains'][d]['hops_p50_ms']}, {r['chains'][d]['hops_p95_ms']} ms" for d in ("downstream", "upstream")),
    ),
    ("chain core read at API start", lambda r: f"{r['chains']['core_load_ms']:,} ms"),
    ("metric set cold / cached", lambda r: f"{r['metrics']['cold_p50_ms']} / {r['metrics']['cached_p50_ms']} ms"),
    ("30-year series, compare", lambda r: f"{r['metrics']['series_30y_p50_ms']} ms, {r['metrics']['compare_ms']} ms"),
    (
        "dashboard pages, slowest API call",
        lambda r: (
            f"{len(r['dashboard']['pages'])} pages, {r['dashboard']['api_calls']} calls, slowest {r['dashboard']['slowest_call_ms']} ms"
        ),
    ),
    ("peak RSS API / worker", lambda r: f"{r['peak_rss_mb']['api']} / {r['peak_rss_mb']['worker']} MB"),
]


def _rows(r: dict[str, Any]) -> list[tuple[str, str]]:
    """The rows a run (possibly stopped early) has figures for."""
    out = []
    for name, show in _FORMATS:
        try:
            value = show(r)
        except KeyError:
            continue
        if name.startswith("batch ingest") and "of" in r["batch_ingest"]:
            value += f" (stopped at {r['batch_ingest']['events']:,} of {r['batch_ingest']['of']:,} events)"
        out.append((name, value))
    return out


def table(r: dict[str, Any]) -> str:
    rows = _rows(r)
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


# ---- RESULTS.md -------------------------------------------------------------------------------

TARGETS = {
    "single-event POST, 16 clients": ">= 1,500 events/s, p99 <= 100 ms",
    "batch ingest (1,000-event batches)": ">= 20,000 events/s",
    "full recompute": "<= 30 s, and faster than the analyst",
    "vectorized analyst (pandas + numpy)": "equal numbers",
    "recompute vs baseline": "> 1x (faster than the analyst)",
    "freshness: chain / metric p95": "<= 2 s at 50 events/s",
    "chain first page p50/p95 down": "p50 <= 20 ms, p95 <= 300 ms",
    "chain first page p50/p95 up": "p50 <= 20 ms, p95 <= 300 ms",
    "largest chain's first page down / up": "<= 500 ms",
    "metric set cold / cached": "<= 300 ms / <= 10 ms",
    "30-year series, compare": "<= 300 ms; compare of 7 regions <= 1 s",
    "dashboard pages, slowest API call": "<= 1 s (100k)",
    "peak RSS API / worker": "API <= 1 GB, worker <= 2 GB",
}


def _commits(r: dict[str, Any]) -> str:
    """The commit measured; a run completed stage by stage names each (see `measured_at`)."""
    return " + ".join(dict.fromkeys([*r.get("measured_at", {}).values(), r.get("commit", "before 865b2e4")]))


def markdown(runs: list[dict[str, Any]]) -> str:
    """A Markdown table: a row per measure, a column per run (size and commit), the target last.
    A measure a stopped run did not reach reads "not reached"."""
    columns = [(f"{r['size']} ({_commits(r)})", dict(_rows(r))) for r in runs]
    lines = ["| measure | " + " | ".join(c for c, _ in columns) + " | target (at 1M) |", "|---" * (len(columns) + 2) + "|"]
    for name, _ in _FORMATS:
        cells = [values.get(name, "not reached") for _, values in columns]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {TARGETS.get(name, '')} |")
    return "\n".join(lines)
