"""The soak: the stack under a steady mixed load for a while, watching errors, latency and memory.

    python -m bench soak --minutes 10 [--rate 20] [--seed-events 10000] [--fixed-size]

Starts the stack as `python -m bench run` does (bench/harness.py: a fresh PostgreSQL database,
Redis, `loopledger serve --workers 2`, a worker with 2 processes and beat), loads a seeded
ledger, then offers `rate` operations per second for `minutes`: writes (single posts, 25-event
batches, identical replays of acknowledged events) and reads (chains, metric sets, pages of the
log, actors). The schedule is open-loop: operation i is due at start + i / rate whatever the
answers before it took, so a slow stack shows as latency and lateness, not as a lower load.
Every 30 s the resident memory of the API's and the worker's process groups and the worker's
lag are sampled. At the end the worker must catch up and `loopledger verify` must pass. With
`--fixed-size` nothing new is written (the writes are identical replays of seeded events), so the
ledger stays the size it was loaded at: memory that still grows is a leak, not the data.
Figures go to bench/results/<date>-soak.json and are printed as a table. Targets: no errors,
memory flat.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from bench import harness, ledgers

SAMPLE_EVERY_SECONDS = 30.0
BATCH_EVENTS = 25
# Operations per cycle of the schedule: how the offered load is mixed.
MIX: dict[str, int] = {"single": 6, "batch": 1, "replay": 2, "chain": 2, "metrics": 3, "events": 3, "actor": 3}
# The same load on a ledger that does not grow: every write is a replay.
FIXED_MIX: dict[str, int] = {"single": 0, "batch": 0, "replay": 9, "chain": 2, "metrics": 3, "events": 3, "actor": 3}
# Dated after the seeded ledger (which ends in 2024) and before today, so always accepted.
WRITE_DAY = "2025-06-01"


@dataclass
class Recorder:
    """Latencies and errors per kind of operation, shared by the client threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in MIX})
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MIX, 0))
    error_samples: list[str] = field(default_factory=list)
    late: list[float] = field(default_factory=list)

    def record(self, kind: str, seconds: float, error: str | None, lateness: float) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.late.append(lateness)
            if error is not None:
                self.errors[kind] += 1
                if len(self.error_samples) < 20:
                    self.error_samples.append(f"{kind}: {error}")


class Workload:
    """What each kind of operation sends, built from the seeded ledger."""

    def __init__(self, events: list[dict[str, Any]], regions: list[str], seed: int = 11, *, fixed_size: bool = False) -> None:
        self.rng = random.Random(seed)
        self.rng_lock = threading.Lock()
        closed = {e["data"]["firm"] for e in events if e["type"] == "firm.closed"}
        self.firms = [
            harness._firm_id(e)
            for e in events
            if e["type"] == "firm.founded" and harness._firm_id(e) not in closed and e["occurred_on"] < "2025-01-01"
        ]
        investors = {_ref(i["investor"]) for e in events if e["type"] == "funding.round" for i in e["data"].get("investors", [])}
        self.investors = sorted(investors)
        self.actors = sorted(set(self.firms[:2000]) | investors)
        self.regions = regions
        self.head = len(events)
        # Single posts acknowledged so far, with their seq: what replays send again (at a fixed
        # size, the seeded events, appended in order from seq 1).
        self.acknowledged: list[tuple[dict[str, Any], int]] = [(e, seq) for seq, e in enumerate(events, start=1)] if fixed_size else []
        self.acknowledged_lock = threading.Lock()

    def _pick(self, choices: list[str]) -> str:
        with self.rng_lock:
            return self.rng.choice(choices)

    def _founding(self) -> dict[str, Any]:
        firm = f"soak-{uuid.uuid4().hex[:12]}"
        with self.rng_lock:
            place = self.rng.choices([p for p, _, _ in ledgers.PLACES], weights=[w for _, w, _ in ledgers.PLACES])[0]
        data = {
            "firm": {"id": firm, "name": firm.upper()},
            "location": place,
            "founders": [{"id": f"{firm}-founder", "type": "person", "name": "Founder"}],
        }
        return {"event_id": str(uuid.uuid4()), "type": "firm.founded", "occurred_on": "2025-01-02", "data": data}

    def _round(self, firm: str) -> dict[str, Any]:
        data = {"firm": firm, "round": "other", "investors": [{"investor": self._pick(self.investors)}]}
        return {"event_id": str(uuid.uuid4()), "type": "funding.round", "occurred_on": WRITE_DAY, "data": data}

    def _headcount(self) -> dict[str, Any]:
        with self.rng_lock:
            employees = self.rng.randrange(1, 500)
        data = {"firm": self._pick(self.firms), "employees": employees}
        return {"event_id": str(uuid.uuid4()), "type": "headcount.reported", "occurred_on": WRITE_DAY, "data": data}

    def single(self, client: httpx.Client) -> str | None:
        with self.rng_lock:
            which = self.rng.randrange(3)
        event = self._founding() if which == 0 else self._round(self._pick(self.firms)) if which == 1 else self._headcount()
        response = client.post("/v1/events", json=event)
        if response.status_code != 201:
            return f"{response.status_code} {response.text[:200]}"
        with self.acknowledged_lock:
            self.acknowledged.append((event, response.json()["seq"]))
        return None

    def batch(self, client: httpx.Client) -> str | None:
        """New firms and rounds into them and into seeded firms, in one atomic batch."""
        foundings = [self._founding() for _ in range(BATCH_EVENTS // 5)]
        new = [harness._firm_id(f) for f in foundings]
        rounds = [self._round(self._pick(new if i % 2 else self.firms)) for i in range(BATCH_EVENTS - len(foundings))]
        response = client.post("/v1/events/batch", json={"events": foundings + rounds})
        return None if response.status_code == 201 else f"{response.status_code} {response.text[:200]}"

    def replay(self, client: httpx.Client) -> str | None:
        """An acknowledged event again, same id and body: 200 with the original seq."""
        with self.acknowledged_lock, self.rng_lock:
            picked = self.rng.choice(self.acknowledged) if self.acknowledged else None
        if picked is None:
            return self.single(client)
        event, seq = picked
        response = client.post("/v1/events", json=event)
        if response.status_code != 200:
            return f"{response.status_code} {response.text[:200]}"
        body = response.json()
        if body["seq"] != seq or not body["duplicate"]:
            return f"replay of seq {seq} answered {body}"
        return None

    def chain(self, client: httpx.Client) -> str | None:
        direction = self._pick(["downstream", "upstream"])
        params: dict[str, Any] = {"direction": direction, "max_depth": 3, "limit": 50}
        return _expect_200(client.get(f"/v1/chains/{self._pick(self.firms)}", params=params))

    def metrics(self, client: httpx.Client) -> str | None:
        params = {"from": "2000-01-01", "to": "2024-12-31"}
        return _expect_200(client.get(f"/v1/regions/{self._pick(self.regions)}/metrics", params=params))

    def events(self, client: httpx.Client) -> str | None:
        """A page of the log from a random point."""
        with self.rng_lock:
            after = self.rng.randrange(self.head)
        return _expect_200(client.get("/v1/events", params={"after_seq": after, "limit": 100}))

    def actor(self, client: httpx.Client) -> str | None:
        return _expect_200(client.get(f"/v1/actors/{self._pick(self.actors)}"))

    def run(self, kind: str, client: httpx.Client) -> str | None:
        operation: Callable[[httpx.Client], str | None] = getattr(self, kind)
        return operation(client)


def _ref(value: Any) -> str:
    return value if isinstance(value, str) else str(value["id"])


def _expect_200(response: httpx.Response) -> str | None:
    return None if response.status_code == 200 else f"{response.status_code} {response.text[:200]}"


def rss_mb(process: subprocess.Popen[Any]) -> float:
    """Resident memory now (VmRSS) of every process of the group, summed, in MB."""
    total = 0
    for pid in harness._group(process.pid):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


def _drop_database(name: str) -> None:
    """The soak's database is of no use after it (the figures are in the results file)."""
    admin = sa.create_engine(harness.POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _lag(client: httpx.Client) -> int | None:
    try:
        lag: int = client.get("/v1/status").json()["derived"]["liquidity"]["lag"]
        return lag
    except (httpx.HTTPError, KeyError, ValueError):
        return None


def soak(minutes: float, *, rate: float = 20.0, seed_events: int = 10_000, clients: int = 16, fixed_size: bool = False) -> dict[str, Any]:
    """Start the stack, load the seed ledger, soak, check the log; returns (and saves) the figures."""
    work = Path(tempfile.mkdtemp(prefix="loopledger-soak-"))
    doc = ledgers.generate(seed_events)
    events, regions = doc["events"], doc["regions"]
    results: dict[str, Any] = {
        "kind": "soak", "minutes": minutes, "rate_per_second": rate, "clients": clients, "seed_events": len(events),
        "fixed_size": fixed_size,
        "date": dt.date.today().isoformat(), "commit": harness.commit(), "machine": harness.machine(),
    }  # fmt: skip
    out = harness.ROOT / "bench" / "results" / f"{results['date']}-soak{'-fixed' if fixed_size else ''}.json"
    out.parent.mkdir(parents=True, exist_ok=True)

    def save() -> None:
        out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")

    with harness.fresh_database("loopledger_bench_soak") as url:
        stack = harness.Stack(url, work)
        try:
            print(f"loading {len(events):,} seed events", flush=True)
            harness.batch_ingest(stack.client, events, regions, lambda _: None)
            harness.caught_up(stack.client)
            workload = Workload(events, list(regions), fixed_size=fixed_size)
            recorder = Recorder()
            samples: list[dict[str, Any]] = []
            print(f"soaking for {minutes} min at {rate} operations/s", flush=True)
            mix = FIXED_MIX if fixed_size else MIX
            _run(stack, workload, recorder, samples, minutes=minutes, rate=rate, clients=clients, mix=mix)
            results["operations"] = _figures(recorder)
            results["errors"] = sum(recorder.errors.values())
            results["error_samples"] = recorder.error_samples
            results["lateness_p99_ms"] = harness.percentile(recorder.late, 0.99)
            results["memory"] = {"samples": samples, **_growth(samples)}
            save()
            started = time.perf_counter()
            harness.wait(lambda: _lag(stack.client) == 0, 600, "the worker to catch up after the soak", every=0.5)
            results["catch_up_after_seconds"] = round(time.perf_counter() - started, 1)
            verdict = subprocess.run(
                [harness.PYTHON, "-m", "cli.main", "verify"], cwd=harness.ROOT, env=harness._env(url), capture_output=True, text=True
            )
            results["verify"] = (verdict.stdout or verdict.stderr).strip()
            results["verify_ok"] = verdict.returncode == 0
            save()
        finally:
            stack.stop()
    _drop_database("loopledger_bench_soak")
    if results.get("errors") == 0 and results.get("verify_ok"):
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"API and worker logs kept in {work}")
    print(table(results))
    print(f"written to {out}")
    return results


def _run(
    stack: harness.Stack,
    workload: Workload,
    recorder: Recorder,
    samples: list[dict[str, Any]],
    *,
    minutes: float,
    rate: float,
    clients: int,
    mix: dict[str, int],
) -> None:
    cycle = [kind for kind, weight in mix.items() for _ in range(weight)]
    random.Random(5).shuffle(cycle)
    counter = itertools.count()
    counter_lock = threading.Lock()
    start = time.perf_counter()
    end = start + minutes * 60
    done = threading.Event()

    def client_loop() -> None:
        with httpx.Client(headers=harness.AUTH, base_url=stack.client.base_url, timeout=120) as client:
            while True:
                with counter_lock:
                    i = next(counter)
                due = start + i / rate
                if due >= end:
                    return
                time.sleep(max(0.0, due - time.perf_counter()))
                kind = cycle[i % len(cycle)]
                began = time.perf_counter()
                try:
                    error = workload.run(kind, client)
                except httpx.HTTPError as exc:
                    error = f"{type(exc).__name__}: {exc}"
                recorder.record(kind, time.perf_counter() - began, error, began - due)

    def sampler() -> None:
        with httpx.Client(headers=harness.AUTH, base_url=stack.client.base_url, timeout=30) as client:
            while True:
                elapsed = time.perf_counter() - start
                samples.append(
                    {
                        "seconds": round(elapsed),
                        "api_mb": rss_mb(stack.api),
                        "worker_mb": rss_mb(stack.worker),
                        "lag": _lag(client),
                    }
                )
                print(f"  {samples[-1]}", flush=True)
                if done.wait(SAMPLE_EVERY_SECONDS):
                    return

    watcher = threading.Thread(target=sampler, name="soak-sampler")
    watcher.start()
    threads = [threading.Thread(target=client_loop, name=f"soak-client-{n}") for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    watcher.join()
    # The last figure, taken when the load stops (the sampler may have slept past it).
    samples.append({"seconds": round(time.perf_counter() - start), "api_mb": rss_mb(stack.api), "worker_mb": rss_mb(stack.worker)})


def _figures(recorder: Recorder) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind, latencies in recorder.latencies.items():
        out[kind] = {
            "count": len(latencies),
            "errors": recorder.errors[kind],
            "p50_ms": harness.percentile(latencies, 0.5) if latencies else None,
            "p99_ms": harness.percentile(latencies, 0.99) if latencies else None,
        }
    return out


def _growth(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """Per process group: RSS at the start and the end, the highest, and the least-squares slope
    in MB per 10 minutes over the second half of the run. The first half is left out as warm-up
    (imports, connection pools, caches filling): growth that goes on after it is a leak."""
    duration = samples[-1]["seconds"]
    settled = [s for s in samples if s["seconds"] >= duration / 2]
    if len(settled) < 2:
        settled = samples
    out: dict[str, Any] = {}
    for group in ("api_mb", "worker_mb"):
        xs = [s["seconds"] / 600 for s in settled]
        ys = [s[group] for s in settled]
        mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
        spread = sum((x - mean_x) ** 2 for x in xs)
        slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread if spread else 0.0
        out[group.removesuffix("_mb")] = {
            "first_mb": samples[0][group],
            "last_mb": samples[-1][group],
            "max_mb": max(s[group] for s in samples),
            "second_half_mb_per_10_min": round(slope, 1),
        }
    return out


def _lag_text(sample: dict[str, Any]) -> str:
    return f", lag {sample['lag']}" if sample.get("lag") is not None else ""


def table(r: dict[str, Any]) -> str:
    """The figures of a soak as a plain-text table."""
    lines = [
        f"soak: {r['minutes']} min, {r['rate_per_second']} operations/s offered by {r['clients']} clients, "
        f"{r['seed_events']:,} seed events{' (fixed size: writes are replays)' if r.get('fixed_size') else ''} ({r['commit']})",
        f"{'operation':<10}{'count':>8}{'errors':>8}{'p50 ms':>10}{'p99 ms':>10}",
    ]
    for kind, f in r["operations"].items():
        lines.append(f"{kind:<10}{f['count']:>8}{f['errors']:>8}{f['p50_ms'] or '-':>10}{f['p99_ms'] or '-':>10}")
    lines.append(f"errors: {r['errors']} (target 0); lateness p99 {r['lateness_p99_ms']} ms")
    for group, g in r["memory"].items():
        if group == "samples":
            continue
        growth = g["second_half_mb_per_10_min"]
        lines.append(f"{group} RSS: {g['first_mb']} -> {g['last_mb']} MB (max {g['max_mb']}), {growth} MB per 10 min over the second half")
    samples = [f"{s['seconds']} s: {s['api_mb']} / {s['worker_mb']}" + _lag_text(s) for s in r["memory"]["samples"]]
    lines.append("RSS samples (API / worker MB, lag): " + "; ".join(samples))
    if "catch_up_after_seconds" in r:
        lines.append(f"worker caught up {r['catch_up_after_seconds']} s after the load; verify: {r['verify']}")
    return "\n".join(lines)
