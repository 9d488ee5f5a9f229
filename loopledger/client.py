"""A typed Python client for loopledger's read routes, for analysts.

    from loopledger.client import Client

    with Client("http://localhost:8000", key="ll_...") as ll:
        ll.metric_set("daejeon", start="2005-01-01", end="2016-12-31")  # one row
        ll.series("daejeon", 1995, 2024)                                # a row per year
        ll.compare(["daejeon", "bhcr"]).metrics                          # a row per region
        ll.chain("dj:alpha", direction="downstream", max_depth=3)        # every firm, all pages

Answers come as Polars frames (`.to_pandas()` gives pandas, with pyarrow installed); money stays
a decimal string as the API writes it (`pl.col("funding_usd").cast(pl.Decimal)` when needed).
Paging is followed to the end (or to `max_rows`); a metric set the server is still computing
(202) is asked for again until it is ready. Every refusal raises `ApiError` with the problem's
status, title and located errors.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx
import polars as pl

Date = dt.date | str | None


class ApiError(Exception):
    """A problem+json answer: `status`, `title` and the located `errors` ({loc, msg})."""

    def __init__(self, status: int, title: str, errors: list[dict[str, Any]]) -> None:
        where = "; ".join(f"{'.'.join(map(str, e.get('loc', []))) or '<request>'}: {e.get('msg')}" for e in errors)
        super().__init__(f"{status} {title}" + (f": {where}" if where else ""))
        self.status = status
        self.title = title
        self.errors = errors


@dataclass(frozen=True)
class Compared:
    """`GET /v1/compare`: the regions' metric sets (a row each) and the hop flows between them
    (a row per ordered pair of regions with at least one hop)."""

    metrics: pl.DataFrame
    hop_flows: pl.DataFrame
    seq: int


def _day(value: Date) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else value


class Client:
    def __init__(
        self,
        base_url: str,
        key: str | None = None,
        *,
        timeout: float = 60.0,
        wait_seconds: float = 300.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Accept": "application/json"} | ({"Authorization": f"Bearer {key}"} if key else {})
        self._http = httpx.Client(base_url=base_url, headers=headers, timeout=timeout, transport=transport)
        self._wait_seconds = wait_seconds

    def __enter__(self) -> Client:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # ---- transport -------------------------------------------------------------------------------

    def _get(self, path: str, **params: Any) -> Any:
        query = {name.rstrip("_"): value for name, value in params.items() if value is not None}
        deadline = time.monotonic() + self._wait_seconds
        while True:
            response = self._http.get(path, params=query)
            if response.status_code == 202 and time.monotonic() < deadline:
                time.sleep(1.0)  # the server is computing it; it said where, we only wait
                continue
            if response.is_success:
                return response.json()
            try:
                problem = response.json()
            except ValueError:
                problem = {"title": response.reason_phrase, "errors": [{"loc": [], "msg": response.text[:500]}]}
            raise ApiError(response.status_code, str(problem.get("title", response.reason_phrase)), list(problem.get("errors", [])))

    def _pages(self, path: str, rows: str, max_rows: int | None, **params: Any) -> Iterator[dict[str, Any]]:
        """Every row of a paged answer, following `next_cursor`."""
        cursor = None
        served = 0
        while True:
            page = self._get(path, cursor=cursor, **params)
            for row in page[rows]:
                if max_rows is not None and served >= max_rows:
                    return
                served += 1
                yield row
            cursor = page.get("next_cursor")
            if cursor is None:
                return

    # ---- regions and metrics ---------------------------------------------------------------------

    def regions(self) -> pl.DataFrame:
        """Every defined region: slug, name, revision and members."""
        return pl.DataFrame(self._get("/v1/regions")["regions"])

    def metric_set(
        self, region: str, *, start: Date = None, end: Date = None, window_years: int | None = None, as_of: Date = None
    ) -> pl.DataFrame:
        """The metric set of `region` over [start, end] (the server's default period when left out): one row."""
        body = self._get(f"/v1/regions/{region}/metrics", from_=_day(start), to=_day(end), window_years=window_years, as_of=_day(as_of))
        return pl.DataFrame([body])

    def series(self, region: str, from_year: int, to_year: int, *, window_years: int | None = None, as_of: Date = None) -> pl.DataFrame:
        """One metric set per calendar year, a row each."""
        body = self._get(
            f"/v1/regions/{region}/metrics/series", from_year=from_year, to_year=to_year, window_years=window_years, as_of=_day(as_of)
        )
        return pl.DataFrame(body["years"])

    def compare(
        self, regions: Sequence[str], *, start: Date = None, end: Date = None, window_years: int | None = None, as_of: Date = None
    ) -> Compared:
        body = self._get(
            "/v1/compare", regions=",".join(regions), from_=_day(start), to=_day(end), window_years=window_years, as_of=_day(as_of)
        )
        metrics = pl.DataFrame([body["metrics"][slug] for slug in body["regions"]])
        flows = [{"from": a, "to": b, "hops": n} for a, row in body["hop_flows"].items() for b, n in row.items()]
        schema = {"from": pl.String, "to": pl.String, "hops": pl.Int64}
        return Compared(metrics=metrics, hop_flows=pl.DataFrame(flows, schema=schema), seq=int(body["seq"]))

    # ---- chains and actors -----------------------------------------------------------------------

    def chain(
        self,
        firm_id: str,
        *,
        direction: str = "downstream",
        max_depth: int | None = None,
        window_years: int | None = None,
        region: str | None = None,
        max_rows: int | None = None,
        page_size: int = 1000,
    ) -> pl.DataFrame:
        """The firms of a firm's chain (id, name, generation, first_on), every page."""
        rows = self._pages(
            f"/v1/chains/{firm_id}", "firms", max_rows,
            direction=direction, max_depth=max_depth, window_years=window_years, region=region, limit=page_size,
        )  # fmt: skip
        schema = {"id": pl.String, "name": pl.String, "generation": pl.Int64, "first_on": pl.String}
        return pl.DataFrame(list(rows), schema=schema).with_columns(pl.col("first_on").str.to_date())

    def hops(
        self,
        firm_id: str,
        *,
        direction: str = "downstream",
        max_depth: int | None = None,
        window_years: int | None = None,
        region: str | None = None,
        start: Date = None,
        end: Date = None,
        max_rows: int | None = None,
        page_size: int = 1000,
    ) -> pl.DataFrame:
        """The hops of a firm's chain in date order, every page."""
        rows = self._pages(
            f"/v1/chains/{firm_id}/hops", "hops", max_rows,
            direction=direction, max_depth=max_depth, window_years=window_years, region=region,
            from_=_day(start), to=_day(end), limit=page_size,
        )  # fmt: skip
        schema = {
            "from": pl.String, "to": pl.String, "via": pl.String, "kind": pl.String, "liquidity_on": pl.String, "on": pl.String,
            "amount_usd": pl.String, "fund": pl.String, "listed": pl.Boolean,
        }  # fmt: skip
        return pl.DataFrame(list(rows), schema=schema).with_columns(pl.col("liquidity_on", "on").str.to_date())

    def actor(self, actor_id: str) -> dict[str, Any]:
        """An actor's profile as the API gives it (type, kind, location, lifecycle, roles, investments)."""
        body: dict[str, Any] = self._get(f"/v1/actors/{actor_id}")
        return body

    def actors(
        self, *, q: str | None = None, kind: str | None = None, region: str | None = None, max_rows: int | None = None
    ) -> pl.DataFrame:
        """Actors matching a search, every page."""
        rows = self._pages("/v1/actors", "actors", max_rows, q=q, kind=kind, region=region, limit=1000)
        location = pl.Struct({"country": pl.String, "subdivision": pl.String, "city": pl.String})
        schema: dict[str, pl.DataType | type[pl.DataType]] = {
            "id": pl.String, "type": pl.String, "name": pl.String, "kind": pl.String, "location": location,
        }  # fmt: skip
        return pl.DataFrame(list(rows), schema=schema)

    def status(self) -> dict[str, Any]:
        body: dict[str, Any] = self._get("/v1/status")
        return body
