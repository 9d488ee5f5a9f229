"""HEAD answers as GET without the body; large answers are compressed for clients that ask."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.dashboard.routes import STATIC_DIR

ECHARTS = Path(STATIC_DIR) / "vendor" / "echarts.min.js"


def test_head_answers_like_get_without_a_body(client: TestClient) -> None:
    got = client.get("/v1/regions")
    head = client.head("/v1/regions")
    assert (head.status_code, got.status_code) == (200, 200)
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == got.headers["content-length"]


def test_head_keeps_the_rules_of_get(client: TestClient) -> None:
    # A route that answers only POST still says so, and a key is still needed.
    assert client.head("/v1/recompute").status_code == 405
    assert client.head("/v1/regions", headers={"Authorization": ""}).status_code == 401


def test_large_answers_are_gzipped_for_clients_that_accept_it(client: TestClient) -> None:
    raw = client.get("/static/vendor/echarts.min.js", headers={"Accept-Encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip"
    assert raw.content == ECHARTS.read_bytes()  # httpx decodes what it asked for
    assert raw.num_bytes_downloaded < ECHARTS.stat().st_size // 3
    plain = client.get("/static/vendor/echarts.min.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.content == ECHARTS.read_bytes()


def test_small_answers_are_not_compressed(client: TestClient) -> None:
    assert "content-encoding" not in client.get("/healthz", headers={"Accept-Encoding": "gzip"}).headers
