"""One default period everywhere: the API's metric set and comparison, the report and the demo
(tests/test_cli.py) answer over metrics_service.default_period when no period is given."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient

from ledger.metrics import service as metrics_service
from tests.metrics.support import load_example


def test_metrics_and_compare_default_to_the_one_default_period(client: TestClient, worked_example: dict[str, Any]) -> None:
    load_example(client, worked_example)
    period = metrics_service.default_period(dt.date.today())
    expected = (period.start.isoformat(), period.end.isoformat())
    assert expected == (f"{metrics_service.DEFAULT_FROM.isoformat()}", f"{dt.date.today().year}-12-31")

    one = client.get("/v1/regions/daejeon/metrics")
    assert one.status_code == 200, one.text
    assert (one.json()["from"], one.json()["to"]) == expected
    both = client.get("/v1/compare", params={"regions": "daejeon,seoul"})
    assert both.status_code == 200, both.text
    assert (both.json()["from"], both.json()["to"]) == expected
    assert both.json()["metrics"]["daejeon"]["firms_founded"] == one.json()["firms_founded"]
