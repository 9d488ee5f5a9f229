"""Chain answers (spec/api.md, "Chain answers are bounded"): returned by the service, declared by
the routes, so the OpenAPI document is the contract."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class ChainRoot(BaseModel):
    id: str
    name: str | None


class ChainGeneration(BaseModel):
    generation: int
    firms: int = Field(description="firms first reached at this generation, in the whole chain")


class ChainFirm(BaseModel):
    id: str
    name: str | None
    generation: int = Field(description="fewest hops from the root")
    first_on: dt.date = Field(
        description="the earliest date the firm is reached: downstream its earliest hop date, upstream its earliest liquidity date"
    )


class ChainEdge(BaseModel):
    """The hops between two firms of the chain, aggregated."""

    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    vias: int = Field(description="distinct actors who carried hops between the two firms")
    hops: int
    kinds: list[str]
    first_on: dt.date
    amount_usd: str | None = Field(description="sum of the known USD amounts (decimal string); null when none is known")


class ChainPage(BaseModel):
    """One page of a chain's firms with the edges into them, and the counts of the whole chain."""

    root: ChainRoot
    direction: str
    window_years: int
    max_depth: int | None
    region: str | None
    seq: int = Field(description="the log seq the answer was computed through")
    stale: bool
    multiplier: int = Field(description="distinct firms downstream (upstream) at any depth, in any region")
    local_multiplier: int | None = Field(description="the same over hops local to `region`, when one is given")
    generations: list[ChainGeneration] = Field(description="firms per generation in the whole chain, within max_depth")
    firms: list[ChainFirm] = Field(description="one page, ordered by (generation, first_on, id)")
    edges: list[ChainEdge] = Field(
        description="edges into this page's firms (upstream: out of them) from the root or from firms of this or an earlier page; "
        "at most 5 per firm, the earliest"
    )
    edges_left_out: int = Field(description="edges of this page's firms not shown (beyond 5 per firm)")
    next_cursor: str | None = Field(description="pass back as `cursor` for the next page of firms; null on the last page")


class ChainHop(BaseModel):
    """One reinvestment of the chain: from the exited firm to the next one, via an actor."""

    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    via: str
    kind: str = Field(description="capital, founder, fund or mentor")
    liquidity_on: dt.date
    on: dt.date
    amount_usd: str | None
    fund: str | None
    listed: bool = Field(description="a listed firm reinvesting its own IPO money")


class ChainHops(BaseModel):
    seq: int
    stale: bool
    hops: list[ChainHop] = Field(description="a page of the chain's hops, in date order")
    next_cursor: str | None = Field(description="pass back as `cursor` for the next page; null on the last page")
