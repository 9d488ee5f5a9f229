"""Engine factory, transaction scope and column types shared by every table."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import psycopg
import sqlalchemy as sa
from more_itertools import chunked
from psycopg.types.json import Jsonb
from sqlalchemy import event as sa_event
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, sessionmaker
from sqlmodel import SQLModel

from ledger import exact_json

# Constraint names are part of the contract with ledger.errors: IntegrityErrors are translated
# into domain errors by these names, so they must be stable across SQLite and PostgreSQL.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Money(sa.types.TypeDecorator[Decimal]):
    """Exact decimal: NUMERIC on PostgreSQL, TEXT on SQLite (whose NUMERIC is a binary float)."""

    impl = sa.Numeric(38, 10)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.String(64))
        return dialect.type_descriptor(sa.Numeric(38, 10))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return format(Decimal(value), "f")
        return Decimal(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(str(value)).normalize() if not isinstance(value, Decimal) else value.normalize()


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """Everything stored is UTC: say so for SQLite's naive datetimes, and convert PostgreSQL's,
    which come back in the session's TimeZone (recorded_at is hashed into the chain as text)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def json_type() -> sa.types.TypeEngine[Any]:
    """JSONB on PostgreSQL, JSON text elsewhere."""
    from sqlalchemy.dialects import postgresql

    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """Engine for either backend; SQLite gets WAL and writer serialisation (see _sqlite_pragmas)."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        _sqlite_pragmas(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return sa.create_engine(url, **kwargs)


def _sqlite_pragmas(engine: Engine) -> None:
    # pysqlite opens transactions lazily and as DEFERRED, so two writers could both read the log
    # head and then collide. BEGIN IMMEDIATE takes the write lock up front, which serialises
    # appends the way the row lock on ledger_head does on PostgreSQL.
    @sa_event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        # FULL, not NORMAL: in WAL mode NORMAL skips the fsync at commit, so an append already
        # acknowledged to its client could be lost to a power cut. FULL syncs the WAL every commit.
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @sa_event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A read snapshot (read_snapshot) begins deferred: in WAL mode it sees one state of the
        # database from its first read on and never blocks a writer, nor waits for one.
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(_READ_ONLY) else "BEGIN IMMEDIATE")


# Fewer rows than this go in one pipelined INSERT per table rather than a COPY: a COPY costs two
# round trips of its own, which a group commit of a few single posts pays for every table.
_PIPELINED_ROWS = 64


def bulk_insert(session: Session, tables: Sequence[tuple[sa.Table, Sequence[dict[str, Any]]]], then: Sequence[sa.Update] = ()) -> None:
    """Insert many rows into several tables, in order, then run `then` (in the session's
    transaction). On PostgreSQL large row sets go by COPY (one stream instead of a round trip per
    row: what batches of thousands of events spend most of their time on); small ones, and `then`,
    go together in one pipeline, one round trip for all. Elsewhere executemany (SQLite runs
    in-process: that is cheap already)."""
    if session.get_bind().dialect.name != "postgresql":
        for table, rows in tables:
            columns = list(table.columns)
            for start in range(0, len(rows), 5000):
                session.execute(sa.insert(table), [{c.key: row.get(c.key) for c in columns} for row in rows[start : start + 5000]])
        for statement in then:
            session.execute(statement)
        return
    raw = session.connection().connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    small: list[tuple[str, Sequence[Any]]] = []
    with raw.cursor() as cursor:
        for table, rows in tables:
            if not rows:
                continue
            columns = list(table.columns)
            values = _cells(rows, [c.key for c in columns], [i for i, c in enumerate(columns) if isinstance(c.type, sa.JSON)])
            names = ", ".join(f'"{c.name}"' for c in columns)
            if len(rows) >= _PIPELINED_ROWS:
                with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                    for row_values in values:
                        copy.write_row(row_values)
            else:
                marks = ", ".join(["%s"] * len(columns))
                small.append((f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', list(values)))
        dialect = session.get_bind().dialect
        for statement in then:
            sql = statement.compile(dialect=dialect)
            small.append((str(sql), [sql.params]))
        if small:
            with raw.pipeline():
                for sql_text, params in small:
                    cursor.executemany(sql_text, params)


def _cells(rows: Sequence[dict[str, Any]], keys: list[str], json_positions: list[int]) -> Iterator[list[Any]]:
    for row in rows:
        cells = [row.get(key) for key in keys]
        for i in json_positions:
            if cells[i] is not None:
                cells[i] = Jsonb(cells[i], exact_json.canonical)
        yield cells


# Keys per statement: SQLite binds one variable per key (its limit is 32,766; small chunks keep
# statements cheap to build), PostgreSQL takes the whole chunk as one array parameter.
_SQLITE_KEYS = 900
_POSTGRESQL_KEYS = 20_000


class KeySet:
    """`column IN keys` for thousands of keys, in the form the session's database handles best:
    on PostgreSQL one array parameter, which keeps statements short to build, send and plan; on
    SQLite a bind per key, in chunks under its variable limit.

    On PostgreSQL the array is unnested in a subquery (`IN (SELECT unnest($1))`), not compared
    with `= ANY($1)`: psycopg prepares a statement run five times, PostgreSQL then settles on a
    generic plan, and in a generic plan `= ANY($1)` cannot be hashed, so a sequential scan
    compares every row with every key. Batch appends at 50k events spent 2 s of each 1,000-event
    batch in one such lookup of 1,800 actor ids (280 events/s, falling as the log grew); as a
    semi-join the same lookup walks the primary key index (1,300-1,500 events/s, flat)."""

    def __init__(self, session: Session) -> None:
        self.postgresql = session.get_bind().dialect.name == "postgresql"

    def chunks(self, keys: Iterable[Any]) -> Iterator[list[Any]]:
        return chunked(sorted(set(keys)), _POSTGRESQL_KEYS if self.postgresql else _SQLITE_KEYS)

    def has(self, column: Any, keys: Sequence[Any]) -> Any:
        if self.postgresql:
            return column.in_(sa.select(sa.func.unnest(sa.literal(list(keys), postgresql.ARRAY(column.type)))).scalar_subquery())
        return column.in_(keys)


class DaysSinceEpoch(sa.sql.functions.GenericFunction[int]):
    """A date as its day number (days since 1970-01-01), computed by the database: the columnar
    reads get integers instead of date objects to convert one by one."""

    type = sa.Integer()
    inherit_cache = True


@compiles(DaysSinceEpoch, "postgresql")
def _day_number_postgresql(element: DaysSinceEpoch, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} - DATE '1970-01-01')"


@compiles(DaysSinceEpoch, "sqlite")
def _day_number_sqlite(element: DaysSinceEpoch, compiler: Any, **kw: Any) -> str:
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) - 2440587.5 AS INTEGER)"


BulkColumn = npt.NDArray[np.int64] | Sequence[Any]


def columns_of(session: Session, query: sa.Select[Any]) -> list[BulkColumn]:
    """A query's result as columns, for bulk readers (hundreds of thousands of rows): integer
    columns as int64 arrays, Money as Decimals (None for NULL), anything else as the values.

    On PostgreSQL the rows come as one `COPY ... TO STDOUT` in CSV, parsed by Polars: no Python
    object per row, and none per value but for text and money. On SQLite (the embedded default,
    small ledgers) the driver's rows are transposed."""
    connection = session.connection()
    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    kinds = [_kind(c.type) for c in query.selected_columns]
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if connection.dialect.name == "postgresql":
            return _copied(cursor, str(compiled), compiled.params, kinds)
        params = tuple(compiled.params[name] for name in compiled.positiontup or ())
        cursor.execute(str(compiled), params)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [() for _ in kinds]
    return [
        np.asarray(c, dtype=np.int64) if kind == "int" else [None if v is None else Decimal(v) for v in c] if kind == "money" else c
        for c, kind in zip(columns, kinds, strict=True)
    ]


def _kind(column_type: Any) -> str:
    if isinstance(column_type, Money):
        return "money"
    return "int" if isinstance(column_type, sa.Integer) else "text"


def _copied(cursor: Any, sql: str, params: Any, kinds: Sequence[str]) -> list[BulkColumn]:
    # COPY takes no bind parameters: they are rendered into the statement by the driver first.
    statement = f"COPY ({psycopg.ClientCursor(cursor.connection).mogrify(sql, params)}) TO STDOUT WITH (FORMAT csv)"
    buffer = io.BytesIO()
    with cursor.copy(statement) as copy:
        for block in copy:
            buffer.write(block)
    names = [f"c{i}" for i in range(len(kinds))]
    if buffer.tell() == 0:
        return [np.zeros(0, np.int64) if kind == "int" else [] for kind in kinds]
    schema = {n: pl.Int64 if kind == "int" else pl.String for n, kind in zip(names, kinds, strict=True)}
    frame = pl.read_csv(buffer.getvalue(), has_header=False, new_columns=names, schema=schema)
    out: list[BulkColumn] = []
    for name, kind in zip(names, kinds, strict=True):
        series = frame.get_column(name)
        if kind == "int":
            out.append(series.to_numpy())
        elif kind == "money":
            out.append([None if v is None else Decimal(v) for v in series.to_list()])
        else:
            out.append(series.to_list())
    return out


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


_READ_ONLY = "loopledger_read_only"


def begin_snapshot(session: Session) -> Session:
    """Make `session` (not begun yet) one read-only transaction that sees a single consistent
    state of the database: REPEATABLE READ on PostgreSQL, a deferred transaction on SQLite.
    Whatever a reader reports (rows and the watermarks they were computed through) then comes
    from the same moment, however many statements it takes."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    else:
        session.connection(execution_options={_READ_ONLY: True})
    return session


@contextmanager
def read_snapshot(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A read-only transaction that sees one consistent state of the database throughout."""
    session = factory()
    try:
        yield begin_snapshot(session)
    finally:
        # close() ends the transaction without expiring what was read: objects stay usable, detached.
        session.close()


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction per command: commit once at the end, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
