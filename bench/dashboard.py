"""The dashboard on a bench ledger, in a real browser: every page opened as a user would, each
API call the page makes timed by the browser, a screenshot kept per page.

Chromium is Debian's (`apt-get install chromium`, or LOOPLEDGER_CHROMIUM), driven by Playwright,
as in tests/dashboard. Subjects are picked from the ledger itself: the firm with the most
liquidity events (the largest chain), the actor with the most, the organisation most named as
an origin, the first three regions.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
from playwright.sync_api import Request, sync_playwright

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
READY_TIMEOUT_MS = 120_000


@dataclass
class PageVisit:
    path: str
    ready: str = ""
    calls: list[tuple[str, float]] = field(default_factory=list)  # (API path, ms)
    screenshot: str = ""

    def slowest(self) -> tuple[str, float]:
        return max(self.calls, key=lambda c: c[1], default=("", 0.0))


def chromium() -> str:
    given = os.environ.get("LOOPLEDGER_CHROMIUM")
    found = given or next((p for p in map(shutil.which, CHROMIUM_CANDIDATES) if p), None)
    if not found:
        raise RuntimeError("no Chromium found (apt-get install chromium, or set LOOPLEDGER_CHROMIUM)")
    return found


def subjects(database_url: str, regions: Sequence[str]) -> list[str]:
    """The pages to open on this ledger."""
    with psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        firm = conn.execute("SELECT firm_id FROM liquidity_event GROUP BY firm_id ORDER BY count(*) DESC, firm_id LIMIT 1").fetchone()
        actor = conn.execute("SELECT actor_id FROM liquidity_event GROUP BY actor_id ORDER BY count(*) DESC, actor_id LIMIT 1").fetchone()
        org = conn.execute("SELECT org_id FROM firm_origin GROUP BY org_id ORDER BY count(*) DESC, org_id LIMIT 1").fetchone()
    pages = ["/", f"/regions/{regions[0]}", f"/compare?regions={','.join(regions[:3])}", "/network"]
    pages += [f"/firms/{firm[0]}"] if firm else []
    pages += [f"/actors/{actor[0]}"] if actor else []
    pages += [f"/lineage/{org[0]}", f"/?q={org[0]}"] if org else []
    return pages


def walk(base: str, key: str, pages: Sequence[str], shots: Path) -> list[PageVisit]:
    """Open each page (the key in the fragment, as the dashboard takes it) until it says it is
    ready; every request to the API is timed from its start to the end of its response."""
    shots.mkdir(parents=True, exist_ok=True)
    visits: list[PageVisit] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium())
        try:
            for path in pages:
                visit = PageVisit(path)
                page = browser.new_page(viewport={"width": 1280, "height": 900})

                def timed(request: Request, visit: PageVisit = visit) -> None:
                    url = urlsplit(request.url)
                    if url.path.startswith("/v1/"):
                        t: Any = request.timing
                        visit.calls.append((url.path + (f"?{url.query}" if url.query else ""), round(t["responseEnd"], 1)))

                page.on("requestfinished", timed)
                page.goto(base + path + f"#key={key}")
                page.wait_for_selector("body[data-ready]", state="attached", timeout=READY_TIMEOUT_MS)
                visit.ready = page.evaluate("document.body.dataset.ready")
                name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-").replace(",", "-").replace(":", "-") or "home"
                target = shots / f"{name}.png"
                page.screenshot(path=str(target), full_page=True)
                visit.screenshot = str(target)
                visits.append(visit)
                page.close()
        finally:
            browser.close()
    return visits


def summary(visits: Sequence[PageVisit]) -> dict[str, Any]:
    calls = [ms for v in visits for _, ms in v.calls]
    return {
        "pages": [
            {
                "path": v.path,
                "ready": v.ready,
                "api_calls": len(v.calls),
                "slowest": v.slowest()[0],
                "slowest_ms": v.slowest()[1],
                "screenshot": v.screenshot,
            }
            for v in visits
        ],
        "api_calls": len(calls),
        "slowest_call_ms": max(calls, default=0.0),
        "calls_over_1s": sum(1 for ms in calls if ms > 1000),
    }
