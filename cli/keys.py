"""`loopledger keys create|list|revoke`: API keys for the HTTP API (only their hashes are stored)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from ledger.config import Settings
from ledger.db import create_db_engine, make_session_factory, unit_of_work
from ledger.errors import LedgerError
from ledger.keys import service as keys_service
from ledger.keys.service import Scope

keys_app = typer.Typer(help="API keys: scopes read < write < admin, sent as `Authorization: Bearer <key>`.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


def _factory() -> sessionmaker[Session]:
    return make_session_factory(create_db_engine(Settings().database_url))


@keys_app.command("create")
def create(
    name: Annotated[str, typer.Option(help="a unique name for the key (who or what uses it)")],
    scope: Annotated[Scope, typer.Option(help="read, write (includes read) or admin (includes write)")] = Scope.read,
) -> None:
    """Create a key and print it, alone on the last line: it is shown only this once."""
    try:
        with unit_of_work(_factory()) as session:
            key = keys_service.create(session, name=name, scope=scope)
    except LedgerError as exc:
        err.print(f"[red]{exc.errors[0].msg}[/]")
        raise typer.Exit(1) from None
    err.print(f"created key {name!r} with scope {scope.name}; store it now, only its hash is kept:")
    print(key)


@keys_app.command("list")
def list_keys() -> None:
    """Names, scopes and dates of every key (never the keys)."""
    with _factory()() as session:
        records = keys_service.get_all(session)
    table = Table("name", "scope", "created", "revoked")
    for record in records:
        revoked = record.revoked_at.isoformat(timespec="seconds") if record.revoked_at else ""
        table.add_row(record.name, record.scope, record.created_at.isoformat(timespec="seconds"), revoked)
    console.print(table)


@keys_app.command("revoke")
def revoke(name: Annotated[str, typer.Argument(help="name of the key")]) -> None:
    """Revoke a key at once; its name stays taken."""
    try:
        with unit_of_work(_factory()) as session:
            keys_service.revoke(session, name=name)
    except LedgerError as exc:
        err.print(f"[red]{exc.errors[0].msg}[/]")
        raise typer.Exit(1) from None
    console.print(f"revoked {name!r}")


DEMO_KEY_NAME = "demo-admin"
DEMO_READ_KEY_NAME = "demo-read"


def demo_key(factory: sessionmaker[Session], path: Path, *, name: str = DEMO_KEY_NAME, scope: Scope = Scope.admin) -> tuple[str, bool]:
    """A demo key of `scope` (the admin one by default), kept in `path` (mode 0600) so a second
    `make demo` prints the same curl line and dashboard URL; a new one is made when the file is
    missing or its key no longer works with exactly that scope. True when new."""
    if path.is_file():
        key = path.read_text(encoding="utf-8").strip()
        with factory() as session:
            caller = keys_service.authenticate(session, key=key)
        if caller is not None and caller.scope is scope:
            return key, False
    with unit_of_work(factory) as session:
        key = keys_service.generate()
        keys_service.ensure(session, name=name, scope=scope, key=key)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(key + "\n")
    return key, True
