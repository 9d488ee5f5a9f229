"""projection rows without foreign keys to the log: a batch writes them with COPY at full speed

Every projection row (and each event_actor and actor row) named its event's seq through a
foreign key. The log is append-only (the triggers of 0001 and 0006 refuse any delete or
rewrite), so a seq once written never disappears and the key guarded nothing; but PostgreSQL
checked it row by row, a look-up and a lock of the event row for each of the ~6 rows an event
writes: 47 of the 128 microseconds per event that a 1,000-event batch spent writing its rows.
The rows are written only by the append (and rebuild) path, with the seq of an event written in
the same transaction; `loopledger rebuild` recreates all of them from the log.
The retraction table keeps its keys: it is written once per retraction.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08 03:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column): each had the key fk_<table>_<column>_event.
KEYED = (
    ("actor", "registered_seq"),
    ("event_actor", "event_seq"),
    ("firm_founding", "event_seq"),
    ("founder", "event_seq"),
    ("firm_origin", "event_seq"),
    ("affiliation", "event_seq"),
    ("departure", "event_seq"),
    ("funding_round", "event_seq"),
    ("round_investor", "event_seq"),
    ("license_deal", "event_seq"),
    ("firm_exit", "event_seq"),
    ("exit_proceeds", "event_seq"),
    ("relocation", "event_seq"),
    ("closure", "event_seq"),
    ("fund_raise", "event_seq"),
    ("fund_lp", "event_seq"),
    ("association_membership", "event_seq"),
    ("headcount", "event_seq"),
    ("fx_rate", "event_seq"),
)


def upgrade() -> None:
    for table, column in KEYED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_{column}_event", type_="foreignkey")


def downgrade() -> None:
    for table, column in KEYED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_foreign_key(f"fk_{table}_{column}_event", "event", [column], ["seq"])


