"""Dependencies shared by routes: the settings and a database session per request."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from ledger.config import Settings
from ledger.db import read_snapshot


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """A session per request. Commands commit explicitly before answering, never after."""
    with request.app.state.session_factory() as session:
        yield session


def get_snapshot(request: Request) -> Iterator[Session]:
    """A read-only session seeing one consistent state for the whole request (read_snapshot):
    an answer and the `seq`/`stale` it reports always come from the same moment."""
    with read_snapshot(request.app.state.session_factory) as session:
        yield session


def get_deadline(request: Request) -> float:
    """When a question must be answered by (time.monotonic()): past it, the engine stops and the
    route answers 503 with Retry-After, so one slow question never holds a process for long."""
    return time.monotonic() + get_settings(request).request_deadline_seconds


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
SnapshotDep = Annotated[Session, Depends(get_snapshot)]
DeadlineDep = Annotated[float, Depends(get_deadline)]
