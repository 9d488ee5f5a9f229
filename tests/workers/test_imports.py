"""Imports on the default `loopledger worker` (prefork, two processes, queues celery and imports)
against real Redis and PostgreSQL: an import goes to its own queue, a catch-up completes while an
import holds one of the worker's processes (and a second import waits instead of taking the
other), and the soft time limit ends a long import in a failed task record."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import redis
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.importers.conftest import BULK, copy_of
from tests.workers.conftest import ApiFactory, Workers, caught_up, count_rows, post_events, status, task_state

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

# A backend of the worker waiting for a row lock on the task table: the import, blocked in its
# first write to its own task record.
IMPORT_BLOCKED = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE 'UPDATE task %'"
)


def ended(client: TestClient, task_id: str) -> Callable[[], dict[str, Any] | None]:
    """Predicate: the task record once it succeeded or failed."""

    def check() -> dict[str, Any] | None:
        record = task_state(client, task_id)
        return record if record["state"] in ("succeeded", "failed") else None

    return check


@pytest.fixture
def import_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The import root and directory, for the worker and for the API in this process alike."""
    settings = {"import_root": str(tmp_path), "import_dir": str(tmp_path / "imports")}
    for name, value in settings.items():
        monkeypatch.setenv(f"LOOPLEDGER_{name.upper()}", value)
    return settings


def test_a_catch_up_completes_while_an_import_runs_and_another_waits(
    api: ApiFactory, workers: Workers, redis_url: str, postgres_url: str, tmp_path: Path, import_settings: dict[str, str]
) -> None:
    client = api(redis_url)
    export = copy_of(BULK, tmp_path)
    response = client.post("/v1/imports", json={"path": str(export)})
    assert response.status_code == 202, response.text
    task_id = response.json()["task_id"]
    broker = redis.Redis.from_url(redis_url)
    assert (broker.llen("imports"), broker.llen("celery")) == (1, 0)  # routed to its own queue
    broker.close()

    # The import's task row is held, so the import blocks in its first write to it: it holds a
    # pool process for as long as the test wants, as a long import would, with no sleep.
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as holder:
            holder.execute(sa.text("SELECT id FROM task WHERE id = :id FOR UPDATE"), {"id": task_id})
            workers.start(redis_url, pool=None, settings=import_settings)
            workers.wait(lambda: count_rows(postgres_url, IMPORT_BLOCKED) == 1, 30, what="the import to run and wait on its task row")
            # A second import does not take the other process: it waits in the queue.
            second = client.post("/v1/imports", json={"path": str(export)}).json()["task_id"]
            workers.wait(
                lambda: task_state(client, second)["message"] == "queued behind another import", 30, what="the second import to wait"
            )

            founded = {
                "type": "firm.founded",
                "occurred_on": "2001-02-03",
                "data": {"firm": {"id": "alpha", "name": "Alpha"}, "location": {"country": "KR", "subdivision": "KR-30"}},
            }
            head = post_events(client, [founded])
            workers.wait(caught_up(client, head), 60, what=f"a catch-up to seq {head} while the import runs")
            assert count_rows(postgres_url, IMPORT_BLOCKED) == 1  # the import was running all along
            assert task_state(client, task_id)["state"] == "queued"
            holder.rollback()
    finally:
        engine.dispose()

    done = workers.wait(ended(client, task_id), 60, what="the import to end")
    assert (done["state"], done["result"]["new"]) == ("succeeded", 34), done
    again = workers.wait(ended(client, second), 60, what="the second import to end")
    assert (again["state"], again["result"]["new"], again["result"]["duplicates"]) == ("succeeded", 0, 34), again
    after = status(client)["head_seq"]
    assert after > head
    workers.wait(caught_up(client, after), 60, what=f"the import's catch-up to seq {after}")


def test_the_soft_time_limit_ends_a_long_import_in_a_failed_task(
    api: ApiFactory, workers: Workers, redis_url: str, postgres_url: str, tmp_path: Path, import_settings: dict[str, str]
) -> None:
    # Reading 300,000 organizations takes seconds on any machine (each row is mapped, validated
    # and staged), far more than the 1 s limit; counting their 7 MB takes milliseconds.
    export = tmp_path / "large"
    export.mkdir()
    with (export / "organizations.csv").open("w", encoding="utf-8") as out:
        out.write("uuid,name\n")
        out.writelines(f"org-{n},Organization {n}\n" for n in range(300_000))
    workers.start(redis_url, pool=None, settings={**import_settings, "import_time_limit_seconds": "1"})
    client = api(redis_url)
    response = client.post("/v1/imports", json={"path": str(export)})
    assert response.status_code == 202, response.text
    task_id = response.json()["task_id"]

    failed = workers.wait(ended(client, task_id), 60, what="the import to end")
    assert failed["state"] == "failed", failed
    assert failed["error"].startswith(
        "Time limit exceeded: the import was stopped after 1 s (LOOPLEDGER_IMPORT_TIME_LIMIT_SECONDS), while reading ("
    ), failed["error"]
    assert failed["error"].endswith("of 300,000 rows). Nothing was written."), failed["error"]
    assert count_rows(postgres_url, "SELECT count(*) FROM event") == 0
    assert "Soft time limit (1.0s) exceeded for loopledger.import" in workers.logs()  # Celery's limit, not another failure
