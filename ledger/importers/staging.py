"""A temporary SQLite file that holds a whole export, mapped, between reading and writing.

Why spill to disk: the ledger's lifecycle rules need every firm founded before its first round
or exit, and a founding date may have to be inferred from the firm's earliest event anywhere in
the export. Sorting the export by date and grouping rows by firm in memory would not stay
bounded for millions of rows; SQLite sorts and indexes on disk with a small page cache. It also
lets every file be validated completely before the first event is written.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

_SCHEMA = """
CREATE TABLE org (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
    country TEXT, subdivision TEXT, city TEXT,
    "primary" INTEGER NOT NULL,            -- 1: a row of organizations.csv / companies.csv
    sector TEXT, founded_on TEXT, closed_on TEXT, source TEXT, file TEXT, line INTEGER,
    digest TEXT                            -- of the primary row, to tell duplicates from clashes
);
CREATE TABLE person (id TEXT PRIMARY KEY, name TEXT NOT NULL, country TEXT, subdivision TEXT, city TEXT, file TEXT, line INTEGER);
CREATE TABLE ev (
    key TEXT PRIMARY KEY, type TEXT NOT NULL, subject TEXT, on_date TEXT, phase INTEGER NOT NULL,
    source TEXT NOT NULL, body TEXT NOT NULL, file TEXT NOT NULL, line INTEGER NOT NULL
);
CREATE TABLE named (id TEXT PRIMARY KEY);
CREATE TABLE unfounded (id TEXT PRIMARY KEY, reason TEXT NOT NULL);
CREATE TABLE founding (key TEXT, subject TEXT, on_date TEXT, source TEXT, body TEXT, file TEXT, line INTEGER);
CREATE TABLE investor (
    round_key TEXT NOT NULL, investor_id TEXT NOT NULL, lead INTEGER, file TEXT NOT NULL, line INTEGER NOT NULL,
    PRIMARY KEY (round_key, investor_id)
);
"""

# Events of one date are written in this order, so a firm is founded before its other events
# that day and closes after them (the ledger refuses events after a firm's closure date).
PHASE_FOUNDED, PHASE_ACTIVITY, PHASE_LEFT, PHASE_CLOSED = 1, 2, 3, 4
SUBJECT_TYPES = ("funding.round", "exit.ipo", "exit.acquisition", "firm.closed")


@dataclass(frozen=True)
class OrgFacts:
    id: str
    name: str
    kind: str
    country: str | None = None
    subdivision: str | None = None
    city: str | None = None


@dataclass(frozen=True)
class StagedEvent:
    key: str
    type: str
    subject: str | None
    on_date: str | None
    source: str
    data: dict[str, Any]
    file: str
    line: int


class Staging:
    """Context manager around the temporary database; removed on exit."""

    def __init__(self, directory: Path | None = None) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="loopledger-import-", dir=directory)
        self.db = sqlite3.connect(Path(self._dir.name) / "staging.db", isolation_level=None)
        # A throw-away file: no journal, no fsync; a bounded page cache (about 64 MiB).
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-65536", "temp_store=FILE"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.executescript(_SCHEMA)
        self.db.execute("BEGIN")

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.db.close()
        self._dir.cleanup()

    # ---- writing (pass 1) ----------------------------------------------------------------------

    def add_org(self, facts: OrgFacts, *, primary: bool = False, **extra: Any) -> bool:
        """Register what a row says about an organization; the first statement about an id wins
        (files are read primary-first). Returns False when the id was already staged."""
        columns = {
            "id": facts.id,
            "name": facts.name,
            "kind": facts.kind,
            "country": facts.country,
            "subdivision": facts.subdivision,
            "city": facts.city,
            "primary": int(primary),
            **extra,
        }
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        cursor = self.db.execute(f"INSERT OR IGNORE INTO org ({names}) VALUES ({marks})", tuple(columns.values()))
        return cursor.rowcount == 1

    def org_origin(self, org_id: str) -> tuple[str | None, int | None, str | None]:
        """(file, line, digest) of the row that staged an organization."""
        row = self.db.execute("SELECT file, line, digest FROM org WHERE id = ?", (org_id,)).fetchone()
        return (None, None, None) if row is None else (row[0], row[1], row[2])

    def set_closed(self, org_id: str, closed_on: str) -> None:
        self.db.execute("UPDATE org SET closed_on = ? WHERE id = ?", (closed_on, org_id))

    def add_person(self, person_id: str, name: str, loc: dict[str, str] | None, *, file: str, line: int) -> bool:
        """Like add_org; `file`/`line` name the row that described the person."""
        loc = loc or {}
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO person (id, name, country, subdivision, city, file, line) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (person_id, name, loc.get("country"), loc.get("subdivision"), loc.get("city"), file, line),
        )
        return cursor.rowcount == 1

    def add_event(self, event: StagedEvent, phase: int) -> tuple[str, int] | None:
        """Stage an event; when its key is already staged, returns where the first one came from
        (the caller compares: an identical row collapses, a different one is a reject)."""
        body = json.dumps(event.data, sort_keys=True, separators=(",", ":"))
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO ev (key, type, subject, on_date, phase, source, body, file, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (event.key, event.type, event.subject, event.on_date, phase, event.source, body, event.file, event.line),
        )
        if cursor.rowcount == 1:
            return None
        row = self.db.execute("SELECT file, line FROM ev WHERE key = ?", (event.key,)).fetchone()
        return row[0], row[1]

    def same_event(self, event: StagedEvent) -> bool:
        body = json.dumps(event.data, sort_keys=True, separators=(",", ":"))
        row = self.db.execute("SELECT body, on_date, source FROM ev WHERE key = ?", (event.key,)).fetchone()
        return row is not None and (row[0], row[1], row[2]) == (body, event.on_date, event.source)

    def has_event(self, key: str) -> bool:
        return self.db.execute("SELECT 1 FROM ev WHERE key = ?", (key,)).fetchone() is not None

    def add_investor(self, round_key: str, investor_id: str, lead: bool | None, file: str, line: int) -> bool:
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO investor (round_key, investor_id, lead, file, line) VALUES (?, ?, ?, ?, ?)",
            (round_key, investor_id, None if lead is None else int(lead), file, line),
        )
        return cursor.rowcount == 1

    # ---- between the passes --------------------------------------------------------------------

    def index(self) -> None:
        """Indexes built once all rows are in (faster than maintaining them row by row)."""
        self.db.execute("CREATE INDEX ev_subject ON ev (subject, on_date)")
        self.db.execute("CREATE INDEX ev_order ON ev (on_date, phase, key)")

    def make_subjects_startups(self) -> None:
        """Whatever is funded, acquired, listed or closed is a tracked venture: kind startup."""
        marks = ", ".join("?" for _ in SUBJECT_TYPES)
        self.db.execute(
            f"UPDATE org SET kind = 'startup' WHERE kind != 'startup' AND id IN (SELECT subject FROM ev WHERE type IN ({marks}))",
            SUBJECT_TYPES,
        )

    def count_startups(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM org WHERE kind = 'startup'").fetchone()[0])

    def startups(self) -> Iterator[tuple[Any, ...]]:
        """(id, founded_on, first subject event date, closed_on, primary, country, subdivision, city,
        sector, source, file, line) of every startup, streamed (results go to other tables)."""
        marks = ", ".join("?" for _ in SUBJECT_TYPES)
        cursor = self.db.cursor()
        cursor.execute(
            f"""SELECT o.id, o.founded_on,
                       (SELECT min(e.on_date) FROM ev e WHERE e.subject = o.id AND e.type IN ({marks})),
                       o.closed_on, o."primary", o.country, o.subdivision, o.city, o.sector, o.source, o.file, o.line
                FROM org o WHERE o.kind = 'startup' ORDER BY o.id""",
            SUBJECT_TYPES,
        )
        while rows := cursor.fetchmany(1000):
            yield from rows

    def add_founding(self, event: StagedEvent) -> None:
        body = json.dumps(event.data, sort_keys=True, separators=(",", ":"))
        self.db.execute(
            "INSERT INTO founding (key, subject, on_date, source, body, file, line) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (event.key, event.subject, event.on_date, event.source, body, event.file, event.line),
        )

    def mark_unfounded(self, org_id: str, reason: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO unfounded (id, reason) VALUES (?, ?)", (org_id, reason))

    def install_foundings(self) -> None:
        """Move the foundings into the event table (kept apart while the startups were read)."""
        self.db.execute(
            "INSERT INTO ev (key, type, subject, on_date, phase, source, body, file, line) "
            f"SELECT key, 'firm.founded', subject, on_date, {PHASE_FOUNDED}, source, body, file, line FROM founding"
        )
        self.db.execute("DELETE FROM founding")

    def orphan_investments(self) -> list[tuple[str, int, str]]:
        return self.db.execute(
            "SELECT file, line, round_key FROM investor WHERE round_key NOT IN (SELECT key FROM ev) ORDER BY file, line"
        ).fetchall()

    def date_from_founding(self, note: str) -> list[tuple[str, int, str]]:
        """Undated events (founders' jobs without started_on) take their firm's founding date;
        those whose firm has none are removed and returned as (file, line, subject)."""
        self.db.execute(
            """UPDATE ev SET on_date = (SELECT f.on_date FROM ev f WHERE f.key = 'org/' || ev.subject || '/founded'),
                             source = source || ?
               WHERE on_date IS NULL""",
            (note,),
        )
        undated = self.db.execute("SELECT file, line, subject FROM ev WHERE on_date IS NULL ORDER BY file, line").fetchall()
        self.db.execute("DELETE FROM ev WHERE on_date IS NULL")
        return undated

    # ---- reading (pass 2) ----------------------------------------------------------------------

    def count_events(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM ev").fetchone()[0])

    def events(self) -> Iterator[StagedEvent]:
        """Every staged event in the order it is written: by date, then phase, then key."""
        cursor = self.db.cursor()
        cursor.execute("SELECT key, type, subject, on_date, source, body, file, line FROM ev ORDER BY on_date, phase, key")
        while rows := cursor.fetchmany(1000):
            for key, kind, subject, on_date, source, body, file, line in rows:
                yield StagedEvent(key, kind, subject, on_date, source, json.loads(body), file, line)

    def investors(self, round_key: str) -> list[tuple[str, bool | None, str, int]]:
        rows = self.db.execute(
            "SELECT investor_id, lead, file, line FROM investor WHERE round_key = ? ORDER BY file, line", (round_key,)
        ).fetchall()
        return [(i, None if lead is None else bool(lead), f, n) for i, lead, f, n in rows]

    def subject_state(self, org_id: str) -> tuple[str | None, str | None] | None:
        """(why it cannot be founded, closed_on) of a staged organization; None if unknown."""
        row = self.db.execute(
            "SELECT u.reason, o.closed_on FROM org o LEFT JOIN unfounded u ON u.id = o.id WHERE o.id = ?", (org_id,)
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def actor_facts(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Actor objects (contract shape) for the ids staged as organizations or people."""
        out: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ", ".join("?" for _ in chunk)
            for actor_id, name, kind, country, subdivision, city in self.db.execute(
                f"SELECT id, name, kind, country, subdivision, city FROM org WHERE id IN ({marks})", chunk
            ):
                out[actor_id] = _actor(actor_id, "organization", name, kind, country, subdivision, city)
            for actor_id, name, country, subdivision, city in self.db.execute(
                f"SELECT id, name, country, subdivision, city FROM person WHERE id IN ({marks})", chunk
            ):
                out.setdefault(actor_id, _actor(actor_id, "person", name, None, country, subdivision, city))
        return out

    def mark_named(self, actor_ids: Iterable[str]) -> None:
        self.db.executemany("INSERT OR IGNORE INTO named (id) VALUES (?)", [(a,) for a in actor_ids])

    def actors(self) -> Iterator[tuple[str, str | None, int | None, bool]]:
        """(id, file, line, named) of every staged organization and person: `file`/`line` is the
        row that described it; `named` whether an event written names it."""
        cursor = self.db.cursor()
        cursor.execute(
            """SELECT o.id, o.file, o.line, n.id IS NOT NULL FROM org o LEFT JOIN named n ON n.id = o.id
               UNION ALL
               SELECT p.id, p.file, p.line, n.id IS NOT NULL FROM person p LEFT JOIN named n ON n.id = p.id
               WHERE p.id NOT IN (SELECT id FROM org)
               ORDER BY 1"""
        )
        while rows := cursor.fetchmany(1000):
            for actor_id, file, line, named in rows:
                yield actor_id, file, line, bool(named)

    def count_actors(self) -> int:
        """How many rows actors() gives."""
        query = "SELECT (SELECT count(*) FROM org) + (SELECT count(*) FROM person WHERE id NOT IN (SELECT id FROM org))"
        return int(self.db.execute(query).fetchone()[0])

    def known(self, actor_ids: Iterable[str]) -> set[str]:
        ids = list(actor_ids)
        return set(self.actor_facts(ids)) if ids else set()


def founding_key(org_id: str) -> str:
    return f"org/{org_id}/founded"


def _actor(
    actor_id: str, actor_type: str, name: str, kind: str | None, country: str | None, subdivision: str | None, city: str | None
) -> dict[str, Any]:
    out: dict[str, Any] = {"id": actor_id, "type": actor_type, "name": name}
    if kind is not None:
        out["kind"] = kind
    if country is not None:
        loc: dict[str, str] = {"country": country}
        if subdivision is not None:
            loc["subdivision"] = subdivision
        if city is not None:
            loc["city"] = city
        out["location"] = loc
    return out
