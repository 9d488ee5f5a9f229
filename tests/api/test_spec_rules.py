"""One test per rule of shared/spec/chains-and-metrics.md that a plausible engine gets wrong.

Each was once broken on purpose while the whole suite stayed green (issue 9): chains searched as
a visit-once BFS, the latest instead of the earliest (X, F) liquidity event, a reinvestment into
the exited firm itself, 29 February mapped to 1 March, lineage that ignores person.joined or
stops at generation 1. Here each is a small ledger posted over HTTP whose answer depends on it.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.metrics.support import KR30, catch_up, event, founded_kr30, inline_person, post_batch, put_regions


def _seed(firm: str, on: str, *investors: Any) -> dict[str, Any]:
    return event("funding.round", on, {"firm": firm, "round": "seed", "investors": [{"investor": i} for i in investors]})


def _ipo(firm: str, on: str) -> dict[str, Any]:
    return event("exit.ipo", on, {"firm": firm, "exchange": "KOSDAQ"})


def _sold(firm: str, on: str) -> dict[str, Any]:
    return event("exit.acquisition", on, {"firm": firm, "acquirer": {"id": "bigco", "name": "BigCo", "kind": "corporation"}})


def _chain(client: TestClient, firm: str, **params: Any) -> dict[str, int]:
    response = client.get(f"/v1/chains/{firm}", params=params)
    assert response.status_code == 200, response.text
    return {f["id"]: f["generation"] for f in response.json()["firms"]}


def test_chains_keep_an_early_arrival_found_at_a_greater_depth(client: TestClient) -> None:
    """a -> b -> c arrives at c early (2004, two hops); a -> c directly arrives late (2010, one
    hop). Only the early arrival goes on to d (c's exit in 2006, reinvested in 2007): a search
    that visits c once, at its first (one-hop, late) arrival, never finds d."""
    post_batch(
        client,
        [
            *(founded_kr30(f, "2000-01-01", [inline_person(f"p{f}")]) for f in ("a", "b", "c", "d")),
            _ipo("a", "2002-01-01"),  # pa liquid from a
            _seed("b", "2003-01-01", "pa"),  # a -> b, 2003
            _ipo("b", "2003-06-01"),  # pb (and pa, an investor) liquid from b
            _seed("c", "2004-01-01", "pb"),  # b -> c, 2004
            _seed("c", "2010-01-01", "pa"),  # a -> c (and b -> c), 2010
            _ipo("c", "2006-01-01"),  # pc (and pb) liquid from c
            _seed("d", "2007-01-01", "pc"),  # c -> d, 2007: needs an arrival at c by 2006
        ],
    )
    catch_up(client)
    assert _chain(client, "a") == {"b": 1, "c": 1, "d": 3}
    assert _chain(client, "d", direction="upstream") == {"c": 1, "b": 2, "a": 3}


def test_chain_generation_is_the_fewest_hops_and_what_hangs_off_an_early_arrival_is_found(client: TestClient) -> None:
    """r reaches e in one hop late (2009) and in three hops early (r -> x -> y -> e, 2004): e is
    generation 1, and z, reachable only from e's early arrival, is generation 4."""
    post_batch(
        client,
        [
            *(founded_kr30(f, "2000-01-01", [inline_person(f"p{f}")]) for f in ("r", "x", "y", "e", "z")),
            _ipo("r", "2001-01-01"),
            _seed("x", "2002-01-01", "pr"),  # r -> x
            _ipo("x", "2002-06-01"),
            _seed("y", "2003-01-01", "px"),  # x -> y
            _ipo("y", "2003-06-01"),
            _seed("e", "2004-01-01", "py"),  # y -> e, 2004
            _ipo("e", "2005-01-01"),
            _seed("z", "2006-01-01", "pe"),  # e -> z (liquidity 2005)
            _seed("e", "2009-01-01", "pr"),  # r -> e (and x -> e), 2009
        ],
    )
    catch_up(client)
    assert _chain(client, "r") == {"x": 1, "e": 1, "y": 2, "z": 4}
    assert _chain(client, "r", max_depth=2) == {"x": 1, "e": 1, "y": 2}


def test_the_earliest_exit_of_a_firm_makes_the_liquidity_event(client: TestClient) -> None:
    """px took part in f's IPO (2000) and acquisition (2012). Only the IPO counts: a 2009
    reinvestment follows it (within 10 years), a 2013 one does not (it would follow the sale)."""
    post_batch(
        client,
        [
            founded_kr30("f", "1998-01-01", [inline_person("px")]),
            founded_kr30("g", "2005-01-01", [inline_person("pg")]),
            founded_kr30("h", "2005-01-01", [inline_person("ph")]),
            _ipo("f", "2000-01-01"),
            _sold("f", "2012-01-01"),
            _seed("g", "2009-01-01", "px"),
            _seed("h", "2013-01-01", "px"),
        ],
    )
    catch_up(client)
    recycling = client.get("/v1/actors/px/recycling").json()
    assert [(q["firm"], q["on"]) for q in recycling["liquidity_events"]] == [("f", "2000-01-01")]
    assert {(h["to"], h["liquidity_on"]) for h in recycling["reinvestments"]} == {("g", "2000-01-01")}
    assert _chain(client, "f") == {"g": 1}


def test_a_reinvestment_into_the_exited_firm_itself_is_no_hop(client: TestClient) -> None:
    """px founded f; after f's IPO px invests in f again and in g: only f -> g is a hop."""
    post_batch(
        client,
        [
            founded_kr30("f", "1998-01-01", [inline_person("px")]),
            founded_kr30("g", "2001-01-01", [inline_person("pg")]),
            _ipo("f", "2000-01-01"),
            _seed("f", "2002-01-01", "px"),
            _seed("g", "2002-01-01", "px"),
        ],
    )
    catch_up(client)
    assert _chain(client, "f") == {"g": 1}
    assert {h["to"] for h in client.get("/v1/actors/px/recycling").json()["reinvestments"]} == {"g"}


def test_29_february_plus_a_year_is_28_february(client: TestClient) -> None:
    """Liquidity on 2004-02-29 with W = 1: 2005-02-28 is within the window, 2005-03-01 is not."""
    post_batch(
        client,
        [
            founded_kr30("f", "2000-01-01", [inline_person("px")]),
            founded_kr30("g", "2001-01-01", [inline_person("pg")]),
            founded_kr30("h", "2001-01-01", [inline_person("ph")]),
            _ipo("f", "2004-02-29"),
            _seed("g", "2005-02-28", "px"),
            _seed("h", "2005-03-01", "px"),
        ],
    )
    catch_up(client)
    assert _chain(client, "f", window_years=1) == {"g": 1}
    assert _chain(client, "f", window_years=2) == {"g": 1, "h": 1}
    put_regions(client, {"dj": {"name": "DJ", "members": [KR30]}})
    metrics = client.get("/v1/regions/dj/metrics", params={"from": "2005-01-01", "to": "2005-12-31", "window_years": 1}).json()
    assert metrics["local_hops"] == 1


def test_lineage_follows_alumni_who_joined_and_goes_beyond_the_first_generation(client: TestClient) -> None:
    """kribb -> g1 by origins; kribb -> g2 because its founder was a KRIBB scientist first
    (person.joined, not origins); g2 -> g3 because g3's founder worked at g2 before founding it."""
    lab = {"id": "kribb", "name": "KRIBB", "kind": "research_institute"}
    post_batch(
        client,
        [
            founded_kr30("g1", "1999-01-01", [inline_person("p1")], origins=[{"org": lab, "relation": "spin_off"}]),
            event("person.joined", "1995-01-01", {"person": inline_person("p2"), "org": "kribb", "role": "scientist"}),
            founded_kr30("g2", "2000-01-01", ["p2"]),
            event("person.joined", "2001-01-01", {"person": inline_person("p3"), "org": "g2", "role": "employee"}),
            founded_kr30("g3", "2005-01-01", ["p3"]),
            # Joined only after g4 was founded: not an alumnus of kribb for g4.
            event("person.joined", "2010-01-01", {"person": inline_person("p4"), "org": "kribb", "role": "scientist"}),
            founded_kr30("g4", "2006-01-01", ["p4"]),
        ],
    )
    lineage = client.get("/v1/lineage/kribb").json()
    assert {f["id"]: f["generation"] for f in lineage["firms"]} == {"g1": 1, "g2": 1, "g3": 2}
    assert lineage["alumni_founded"] == 2
    assert {f["id"] for f in client.get("/v1/lineage/kribb", params={"max_depth": 1}).json()["firms"]} == {"g1", "g2"}


def test_a_fund_hop_dated_past_the_liquidity_window_counts_in_its_own_year(client: TestClient) -> None:
    """px exits f (KR-30) in 2000 and commits to fund v in 2009, within W = 10; v invests in g
    (KR-11) in 2015, within W of the commitment. The hop f -> g is dated 2015, past 2010: it is a
    chain edge and a 2015 hops_out of the region, whatever period the metrics are asked for."""
    fund = {"id": "v", "name": "V", "kind": "investor"}
    post_batch(
        client,
        [
            founded_kr30("f", "1998-01-01", [inline_person("px")]),
            event("firm.founded", "2001-01-01", {"firm": {"id": "g", "name": "G"}, "location": {"country": "KR", "subdivision": "KR-11"}}),
            _ipo("f", "2000-01-01"),
            event("fund.raised", "2009-06-01", {"fund": fund, "lps": [{"lp": "px"}]}),
            _seed("g", "2015-01-01", "v"),
        ],
    )
    catch_up(client)
    assert _chain(client, "f") == {"g": 1}
    put_regions(client, {"dj": {"name": "DJ", "members": [KR30]}})
    for start, end in (("2015-01-01", "2015-12-31"), ("2010-01-01", "2020-12-31"), ("2000-01-01", "2015-01-01")):
        metrics = client.get("/v1/regions/dj/metrics", params={"from": start, "to": end}).json()
        assert metrics["hops_out"] == 1, (start, end)
    metrics = client.get("/v1/regions/dj/metrics", params={"from": "2000-01-01", "to": "2014-12-31"}).json()
    assert metrics["hops_out"] == 0


def test_hop_flows_place_each_hop_by_its_source_on_the_liquidity_date(client: TestClient) -> None:
    """a-mover, founded in KR-30, moved to KR-11 before its IPO: its founder's hop comes from
    Seoul, though a-mover was once a Daejeon firm. b-stayer exits in Daejeon: its founder's hop
    into Seoul comes from Daejeon. The matrix counts each hop once, in its source's row on the
    liquidity date, and one firm's exit outside the region must not hide another's."""
    kr11 = {"country": "KR", "subdivision": "KR-11"}
    post_batch(
        client,
        [
            founded_kr30("a-mover", "2000-01-01", [inline_person("pm")]),
            founded_kr30("b-stayer", "2000-01-01", [inline_person("ps")]),
            event("firm.relocated", "2003-01-01", {"firm": "a-mover", "location": kr11}),
            _ipo("a-mover", "2004-01-01"),
            _ipo("b-stayer", "2005-01-01"),
            event("firm.founded", "2006-01-01", {"firm": {"id": "in-seoul", "name": "S"}, "location": kr11, "founders": ["ps"]}),
            founded_kr30("in-daejeon", "2006-06-01", ["pm"]),
        ],
    )
    catch_up(client)
    put_regions(client, {"daejeon": {"name": "Daejeon", "members": [KR30]}, "seoul": {"name": "Seoul", "members": [kr11]}})
    compared = client.get("/v1/compare", params={"regions": "daejeon,seoul", "from": "2000-01-01", "to": "2010-12-31"})
    assert compared.status_code == 200, compared.text
    assert compared.json()["hop_flows"] == {"daejeon": {"daejeon": 0, "seoul": 1}, "seoul": {"daejeon": 1, "seoul": 0}}
