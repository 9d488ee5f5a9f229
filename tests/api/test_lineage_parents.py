"""Lineage names each firm's parents: the firms of the previous generation (or the root) whose
alumni founded it, so that the alumni tree can be drawn from one answer."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.metrics.support import event, founded_kr30, inline_person, post_batch


def _joined(person: Any, org: str, on: str) -> dict[str, Any]:
    return event("person.joined", on, {"person": person, "org": org, "role": "employee"})


def test_lineage_firms_name_the_previous_generation_they_descend_from(client: TestClient) -> None:
    """kribb -> g1 (origins) and g2 (a KRIBB scientist); g3's founder worked at g1 and at g2
    before founding it, so it has both as parents; g4's founder worked at g1 and at kribb, and
    g4 is generation 1 with kribb as its only parent (the fewest steps win)."""
    lab = {"id": "kribb", "name": "KRIBB", "kind": "research_institute"}
    post_batch(
        client,
        [
            founded_kr30("g1", "1999-01-01", [inline_person("p1")], origins=[{"org": lab, "relation": "spin_off"}]),
            _joined(inline_person("p2"), "kribb", "1995-01-01"),
            founded_kr30("g2", "2000-01-01", ["p2"]),
            _joined(inline_person("p3"), "g1", "2001-01-01"),
            _joined("p3", "g2", "2002-01-01"),
            founded_kr30("g3", "2005-01-01", ["p3"]),
            _joined(inline_person("p4"), "g1", "2001-01-01"),
            _joined("p4", "kribb", "2002-01-01"),
            founded_kr30("g4", "2006-01-01", ["p4"]),
        ],
    )
    response = client.get("/v1/lineage/kribb")
    assert response.status_code == 200, response.text
    firms = {f["id"]: (f["generation"], f["parents"]) for f in response.json()["firms"]}
    assert firms == {"g1": (1, ["kribb"]), "g2": (1, ["kribb"]), "g4": (1, ["kribb"]), "g3": (2, ["g1", "g2"])}
