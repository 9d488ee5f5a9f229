"""Posting events and reading them back over HTTP."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient


def _firm(firm_id: str = "alpha", on: str = "2001-02-03") -> dict[str, Any]:
    return {
        "type": "firm.founded",
        "occurred_on": on,
        "source": "test",
        "data": {
            "firm": {"id": firm_id, "name": firm_id.title()},
            "location": {"country": "KOR", "subdivision": "kr-30", "city": "Daejeon"},
            "founders": [{"id": "kim", "type": "person", "name": "Kim"}],
            "origins": [{"org": {"id": "kribb", "name": "KRIBB", "kind": "research_institute"}, "relation": "spin_off"}],
        },
    }


def test_post_then_read_back(client: TestClient) -> None:
    posted = client.post("/v1/events", json=_firm())
    assert posted.status_code == 201, posted.text
    body = posted.json()
    assert body["seq"] == 1 and body["duplicate"] is False
    uuid.UUID(body["event_id"])

    got = client.get(f"/v1/events/{body['event_id']}").json()
    assert got["seq"] == 1
    assert got["retracted_by"] is None
    # Stored canonically: alpha-3 country as alpha-2, subdivision upper-cased.
    assert got["data"]["location"] == {"country": "KR", "subdivision": "KR-30", "city": "Daejeon"}

    profile = client.get("/v1/actors/alpha").json()
    assert profile["kind"] == "startup"
    assert profile["lifecycle"]["founded"]["founders"] == [{"person": "kim", "since": "2001-02-03"}]
    assert profile["lifecycle"]["founded"]["origins"] == [{"org": "kribb", "relation": "spin_off"}]


def test_identical_replay_is_idempotent_and_changed_body_conflicts(client: TestClient) -> None:
    event = {**_firm(), "event_id": str(uuid.uuid4())}
    first = client.post("/v1/events", json=event)
    again = client.post("/v1/events", json=event)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["duplicate"] is True and again.json()["seq"] == first.json()["seq"]

    changed = {**event, "source": "another source"}
    clash = client.post("/v1/events", json=changed)
    assert clash.status_code == 409
    assert clash.headers["content-type"].startswith("application/problem+json")
    assert clash.json()["errors"][0]["loc"] == ["event_id"]
    assert client.get("/v1/events").json()["events"][-1]["seq"] == 1


def test_batch_results_in_order_and_replay(client: TestClient, worked_example: dict[str, Any]) -> None:
    events = worked_example["events"]
    first = client.post("/v1/events/batch", json={"events": events})
    assert first.status_code == 201, first.text
    seqs = [r["seq"] for r in first.json()["results"]]
    assert seqs == list(range(1, len(events) + 1))
    again = client.post("/v1/events/batch", json={"events": events}).json()["results"]
    assert all(r["duplicate"] for r in again) and [r["seq"] for r in again] == seqs


def test_batch_may_reference_actors_registered_earlier_in_it(client: TestClient) -> None:
    round_ = {
        "type": "funding.round",
        "occurred_on": "2002-01-01",
        "data": {"firm": "alpha", "round": "seed", "investors": [{"investor": "kim"}]},
    }
    response = client.post("/v1/events/batch", json={"events": [_firm(), round_]})
    assert response.status_code == 201, response.text


def test_log_paging_and_filters(client: TestClient, worked_example: dict[str, Any]) -> None:
    client.post("/v1/events/batch", json={"events": worked_example["events"]})
    seen: list[int] = []
    after = 0
    while True:
        page = client.get("/v1/events", params={"after_seq": after, "limit": 7}).json()
        seen += [e["seq"] for e in page["events"]]
        if page["next_after_seq"] is None:
            break
        after = page["next_after_seq"]
    assert seen == list(range(1, len(worked_example["events"]) + 1))

    rounds = client.get("/v1/events", params={"type": "funding.round"}).json()["events"]
    assert [e["occurred_on"] for e in rounds] == ["2000-01-10", "2006-02-01", "2009-01-01", "2012-01-01"]
    p1 = client.get("/v1/events", params={"actor": "p1"}).json()["events"]
    assert {e["type"] for e in p1} == {"actor.registered", "firm.founded", "funding.round"}
    bad = client.get("/v1/events", params={"type": "no.such"})
    assert bad.status_code == 422


def test_retraction_removes_effect_and_is_linked(client: TestClient) -> None:
    founded = client.post("/v1/events", json=_firm()).json()
    head = {"type": "headcount.reported", "occurred_on": "2003-01-01", "data": {"firm": "alpha", "employees": 40}}
    reported = client.post("/v1/events", json=head).json()
    retraction = {
        "type": "event.retracted",
        "occurred_on": "2003-02-01",
        "data": {"event_id": reported["event_id"], "reason": "typo"},
    }
    retracted = client.post("/v1/events", json=retraction)
    assert retracted.status_code == 201
    assert client.get("/v1/actors/alpha").json()["lifecycle"]["headcount"] == []
    assert client.get(f"/v1/events/{reported['event_id']}").json()["retracted_by"] == retracted.json()["event_id"]

    twice = client.post("/v1/events", json={**retraction, "source": "again"})
    assert twice.status_code == 409
    of_retraction = {**retraction, "data": {"event_id": retracted.json()["event_id"], "reason": "x"}}
    assert client.post("/v1/events", json=of_retraction).status_code == 409
    assert founded["seq"] == 1


def test_actor_list_and_unknown_actor(client: TestClient) -> None:
    client.post("/v1/events", json=_firm())
    listed = client.get("/v1/actors", params={"kind": "startup"}).json()
    assert [a["id"] for a in listed["actors"]] == ["alpha"]
    assert client.get("/v1/actors", params={"q": "KRI"}).json()["actors"][0]["id"] == "kribb"
    missing = client.get("/v1/actors/nobody")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"]["migrations"]["ok"] is True


def test_inline_object_for_a_known_actor_need_only_agree_with_what_it_states(client: TestClient) -> None:
    assert client.post("/v1/events", json=_firm()).status_code == 201
    round_ = {
        "type": "funding.round",
        "occurred_on": "2002-01-01",
        # kribb is known (a research_institute); restating id and name alone is enough.
        "data": {"firm": "alpha", "round": "grant", "investors": [{"investor": {"id": "kribb", "name": "KRIBB"}}]},
    }
    assert client.post("/v1/events", json=round_).status_code == 201
    wrong_type = {
        "type": "person.joined",
        "occurred_on": "2002-02-01",
        "data": {"person": "kribb", "org": "alpha", "role": "advisor"},
    }
    answer = client.post("/v1/events", json=wrong_type)
    assert answer.status_code == 422
    assert "is an organization, the person must be a person" in answer.json()["errors"][0]["msg"]


def test_actor_list_by_region_follows_relocations(client: TestClient, worked_example: dict[str, Any]) -> None:
    for slug, definition in worked_example["regions"].items():
        assert client.put(f"/v1/regions/{slug}", json=definition).status_code == 201
    client.post("/v1/events/batch", json={"events": worked_example["events"]})
    startups = client.get("/v1/actors", params={"region": "daejeon", "kind": "startup"}).json()["actors"]
    # zeta was founded in Daejeon but moved to Seoul; delta was founded in Seoul.
    assert [a["id"] for a in startups] == ["alpha", "beta", "epsilon", "gamma"]
    seoul = client.get("/v1/actors", params={"region": "seoul", "limit": 2}).json()
    assert [a["id"] for a in seoul["actors"]] == ["delta", "vc1"] and seoul["next_cursor"] == "vc1"
    rest = client.get("/v1/actors", params={"region": "seoul", "cursor": "vc1"}).json()
    assert [a["id"] for a in rest["actors"]] == ["vc3", "zeta"] and rest["next_cursor"] is None
    assert client.get("/v1/actors", params={"region": "nowhere"}).status_code == 404
