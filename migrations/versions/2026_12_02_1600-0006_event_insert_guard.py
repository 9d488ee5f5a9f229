"""event insert guard: SQLite refuses an insert over a stored event (REPLACE INTO, INSERT OR REPLACE)

SQLite resolves a REPLACE conflict by deleting the stored row, and fires delete triggers for
that only when the connection has `PRAGMA recursive_triggers=ON`: a `REPLACE INTO event` from
any client would overwrite a fact without event_no_delete noticing. A BEFORE INSERT trigger
runs before the conflict is resolved, so it still sees the stored row and aborts. PostgreSQL
has no REPLACE; its `INSERT ... ON CONFLICT DO UPDATE` fires the UPDATE trigger of 0001.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 16:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    # Two EXISTS, not one OR: each is a single probe of its own index (primary key, unique event_id).
    op.execute(
        "CREATE TRIGGER event_no_replace BEFORE INSERT ON event "
        "WHEN EXISTS (SELECT 1 FROM event WHERE seq = NEW.seq) "
        "OR EXISTS (SELECT 1 FROM event WHERE event_id = NEW.event_id) "
        "BEGIN SELECT RAISE(ABORT, 'the event log is append-only: REPLACE of a stored event is not allowed'); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS event_no_replace")
