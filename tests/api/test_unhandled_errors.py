"""An unexpected failure answers a problem 500 and is logged once, naming the request, under the
real server (uvicorn would log the traceback a second time)."""

from __future__ import annotations

import logging
import socket
import threading
import time

import httpx
import pytest
import uvicorn

from api.app import create_app
from ledger.config import Settings


def test_an_unhandled_exception_is_logged_once(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(settings)

    @app.get("/boom", include_in_schema=False)
    def boom() -> None:
        raise RuntimeError("the disk is on fire")

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, log_level="info", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        with caplog.at_level(logging.ERROR):
            response = httpx.get(f"http://127.0.0.1:{sock.getsockname()[1]}/boom")
            time.sleep(0.2)  # uvicorn reports after the response is sent
    finally:
        server.should_exit = True
        thread.join(timeout=15)
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    reports = [r for r in caplog.records if r.exc_info and "the disk is on fire" in str(r.exc_info[1])]
    assert [r.getMessage() for r in reports] == ["unhandled RuntimeError answering GET /boom"]
