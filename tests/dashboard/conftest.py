"""Browser tests of the dashboard: one headless Chromium and one real server per module.

The server is the real app under uvicorn on a free 127.0.0.1 port, in a thread, over a migrated
SQLite ledger holding the demo's Daejeon and BHCR scenarios, caught up the way a worker would
(no broker). Chromium is Debian's (`apt-get install chromium`), driven by Playwright: the
browsers Playwright downloads are never used. Without Chromium the tests are skipped, except
under CI=true, where they fail. Screenshots go to $LOOPLEDGER_TEST_ARTIFACTS, else
tests/dashboard/artifacts/, and are listed at the end of the run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ledger import migrate
from ledger.chains import maintain
from ledger.config import Settings
from ledger.db import create_db_engine, make_session_factory, unit_of_work
from ledger.keys.service import Scope
from ledger.loading import load_path
from ledger.metrics import service as metrics_service
from tests.conftest import IN_CI, ROOT, grant
from tests.servers import serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Route

SCENARIOS = ("daejeon.json", "bhcr.json")
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
ARTIFACTS = Path(os.environ.get("LOOPLEDGER_TEST_ARTIFACTS") or ROOT / "tests" / "dashboard" / "artifacts")
SCREENSHOTS: list[Path] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SCREENSHOTS:
        terminalreporter.write_sep("-", "dashboard screenshots")
        for path in SCREENSHOTS:
            terminalreporter.write_line(str(path))


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def chromium_executable() -> str | None:
    """LOOPLEDGER_CHROMIUM, else the first Chromium or Chrome on PATH."""
    given = os.environ.get("LOOPLEDGER_CHROMIUM")
    if given:
        return given if os.access(given, os.X_OK) else None
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


# ---- the server --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    base: str
    key: str
    database_url: str


def seeded_database(directory: Path) -> str:
    """A migrated SQLite ledger with the scenarios loaded and caught up (liquidity and parts)."""
    url = f"sqlite:///{directory / 'ledger.db'}"
    engine = create_db_engine(url)
    try:
        migrate.upgrade(engine)
        factory = make_session_factory(engine)
        for name in SCENARIOS:
            load_path(factory, ROOT / "examples" / name)
        with unit_of_work(factory) as session:
            maintain.catch_up(session)
        metrics_service.refresh_after(factory)
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> str:
    return seeded_database(tmp_path_factory.mktemp("dashboard"))


@pytest.fixture(scope="module")
def server(seeded: str) -> Iterator[Server]:
    """Reads need a key here: the pages get a read key in the URL fragment."""
    running = serve(Settings(database_url=seeded, broker_url="memory://"))
    try:
        yield Server(base=running.base, key=grant(seeded, scope=Scope.read, name="dashboard-test"), database_url=seeded)
    finally:
        running.stop()


# ---- the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_executable()
    if executable is None:
        _missing("no Chromium found (apt-get install chromium, or set LOOPLEDGER_CHROMIUM): the dashboard's browser tests need one")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Visit:
    """A page in a fresh browser context (its own sessionStorage), with what it logged and asked for."""

    page: Page
    errors: list[str] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)

    def hosts(self) -> set[str]:
        from urllib.parse import urlsplit

        return {urlsplit(r.url).hostname or r.url for r in self.requests}

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        # Charts animate in: a picture taken before they finish shows half-drawn flows.
        self.page.wait_for_selector(".chart:not([data-drawn])", state="detached", timeout=10_000)
        self.page.screenshot(path=path, full_page=True)
        SCREENSHOTS.append(path)
        return path


@pytest.fixture
def visit(browser: Browser) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    seen = Visit(page)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.errors.append(message.text)

    def on_route(route: Route, request: Request) -> None:
        # Every request of the page passes here, whatever its host: the test sees each one.
        seen.requests.append(request)
        route.continue_()

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.errors.append(f"uncaught: {error}"))
    context.route("**", on_route)
    try:
        yield seen
    finally:
        context.close()
