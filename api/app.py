"""Application factory: every engine and setting is built here, never at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import sqlalchemy as sa
from fastapi import Depends, FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from sqlalchemy.orm import Session, sessionmaker

from api import dashboard, observability, params, problems, security
from api.head import HeadAsGet
from api.limits import BodySizeLimit
from api.routes import actors, chains, events, health, imports, regions, status, tasks
from ledger import runtime
from ledger.chains import cores
from ledger.config import Settings
from ledger.db import create_db_engine, make_session_factory
from ledger.errors import Conflict
from ledger.events.group import GroupCommitter
from ledger.keys import service as keys_service
from ledger.keys.service import Scope
from workers.app import create_celery
from workers.dispatch import Dispatcher

OPERATOR_KEY_NAME = "admin-from-env"


def _store_operator_key(factory: sessionmaker[Session], key: str) -> None:
    """Make the environment's key the operator key. Every server process does this at start-up,
    at the same moment: a process that loses the race sees the winner's row either as a
    duplicate insert (IntegrityError) or, when the winner committed between its two reads, as
    a name already taken (Conflict). It then looks again, and finds the same key stored."""
    for attempt in range(3):
        try:
            with factory() as session, session.begin():
                keys_service.ensure(session, name=OPERATOR_KEY_NAME, scope=Scope.admin, key=key)
            return
        except (sa.exc.IntegrityError, Conflict):
            if attempt == 2:
                raise


def create_app(settings: Settings | None = None, *, served: bool = False) -> FastAPI:
    """The API; `served` for a server process of its own (not an app inside a test run)."""
    settings = settings or Settings()
    engine = create_db_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        operator_key = settings.operator_key()
        if operator_key is not None:
            _store_operator_key(app.state.session_factory, operator_key)
        cores.warm(app.state.session_factory)
        if served:
            runtime.settle_heap()
        yield
        app.state.committer.close()
        engine.dispose()

    app = FastAPI(
        title="loopledger",
        version="1.0.0",
        summary="Event ledger of venture lifecycles, recycling chains and regional loop metrics",
        lifespan=lifespan,
        # Served by the dashboard from vendored bundles instead of a CDN.
        docs_url=None,
        redoc_url=None,
        responses=problems.DEFAULT_RESPONSES,
        dependencies=[Depends(params.plain_parameters)],
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.committer = GroupCommitter(app.state.session_factory, future_tolerance_days=settings.future_tolerance_days)
    app.state.dispatcher = Dispatcher(create_celery(settings, publisher=True), app.state.session_factory, settings)
    problems.install(app)
    security.install(app)
    app.include_router(events.router)
    app.include_router(chains.router)
    app.include_router(actors.router)
    app.include_router(regions.router)
    app.include_router(regions.compare_router)
    app.include_router(tasks.router)
    app.include_router(imports.router)
    app.include_router(health.router)
    app.include_router(status.router)
    dashboard.install(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    # echarts alone is 1.1 MB on every cold load of the dashboard; JSON pages shrink 5-10x.
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(HeadAsGet)
    observability.install(app)
    return app


def app_from_env() -> FastAPI:
    """Entry point for `uvicorn --factory api.app:app_from_env`."""
    return create_app(Settings(), served=True)
