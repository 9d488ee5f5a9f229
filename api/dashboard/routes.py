"""Dashboard pages, offline /docs and /redoc, the favicon and the static files.

The key never reaches these routes: the browser keeps it in the URL fragment and sessionStorage
and sends it only as `Authorization: Bearer` to /v1. The Content-Security-Policy of the pages
holds their scripts to this origin, so a page cannot send the key (or anything) elsewhere.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from ledger.metrics import service as metrics_service

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")

# ECharts writes style attributes into its tooltips, hence 'unsafe-inline' for styles only.
PAGE_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
PAGE_HEADERS = {"Content-Security-Policy": PAGE_POLICY, "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"}

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _root(request: Request) -> str:
    """The prefix the app is mounted under behind a proxy ('' when served at /)."""
    root: str = request.scope.get("root_path", "")
    return root.rstrip("/")


def _page(request: Request, page: str, *, title: str, charts: bool = True, **data: str) -> HTMLResponse:
    period = metrics_service.default_period(dt.date.today())
    context: dict[str, Any] = {
        "page": page,
        "title": title,
        "root": _root(request),
        "charts": charts,
        "data": data,
        "default_from": period.start.isoformat(),
        "default_to": period.end.isoformat(),
        "default_window": metrics_service.DEFAULT_WINDOW,
    }
    return templates.TemplateResponse(request, f"{page}.html", context, headers=PAGE_HEADERS)


@router.get("/")
def home(request: Request) -> HTMLResponse:
    """Regions, search and links to every page."""
    return _page(request, "home", title="Regions")


@router.get("/regions/{slug}")
def region(request: Request, slug: str) -> HTMLResponse:
    """A region's metric cards and yearly charts."""
    return _page(request, "region", title=f"Region {slug}", slug=slug)


@router.get("/compare")
def compare(request: Request) -> HTMLResponse:
    """Regions side by side and the hop flows between them."""
    return _page(request, "compare", title="Compare regions")


@router.get("/network")
def network(request: Request) -> HTMLResponse:
    """Every region and the hop flows between them."""
    return _page(request, "network", title="Network of regions")


@router.get("/firms/{firm_id:path}")
def firm(request: Request, firm_id: str) -> HTMLResponse:
    """A firm's lifecycle and its recycling chain."""
    return _page(request, "firm", title=firm_id, id=firm_id)


@router.get("/actors/{actor_id:path}")
def actor(request: Request, actor_id: str) -> HTMLResponse:
    """An investor's or founder's liquidity events and reinvestments."""
    return _page(request, "actor", title=actor_id, id=actor_id)


@router.get("/lineage/{org_id:path}")
def lineage(request: Request, org_id: str) -> HTMLResponse:
    """An organisation's alumni tree."""
    return _page(request, "lineage", title=f"Lineage of {org_id}", id=org_id)


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI on the vendored bundle."""
    root = _root(request)
    return get_swagger_ui_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title} - API docs",
        swagger_js_url=f"{root}/static/vendor/swagger-ui-bundle.js",
        swagger_css_url=f"{root}/static/vendor/swagger-ui.css",
        swagger_favicon_url=f"{root}/static/favicon.svg",
        # The default would send the schema to validator.swagger.io.
        swagger_ui_parameters={"validatorUrl": None},
    )


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    """ReDoc on the vendored bundle."""
    root = _root(request)
    return get_redoc_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title} - API reference",
        redoc_js_url=f"{root}/static/vendor/redoc.standalone.js",
        redoc_favicon_url=f"{root}/static/favicon.svg",
        with_google_fonts=False,
    )


@router.get("/favicon.ico", response_class=FileResponse)
def favicon() -> FileResponse:
    """For clients that ask for it without reading the pages' icon link."""
    return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")


def install(app: FastAPI) -> None:
    """Serve the dashboard, the docs and the static files (call with docs_url=redoc_url=None)."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
