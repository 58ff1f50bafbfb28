"""Delivery at scale. Circuit breakers: a failure window, the moment of the last failure, and the budget
of requests admitted across all workers while an endpoint is failing but not yet open. Outbox: a partial
index of the open rows by (endpoint, next_attempt_at, id), so a claim visits only the endpoints it may
send to, each by an index range of its due messages, however large the backlog behind an open breaker.

Revision ID: 0007
Revises: 0006
Created: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


OPEN_ROWS = "status IN ('pending', 'in_flight')"


def upgrade() -> None:
    op.create_index(
        "ix_outbox_open_endpoint_due",
        "outbox",
        ["endpoint", "next_attempt_at", "id"],
        postgresql_where=sa.text(OPEN_ROWS),
        sqlite_where=sa.text(OPEN_ROWS),
    )
    with op.batch_alter_table("circuit_breakers") as table:
        table.add_column(sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("admitted", sa.Integer(), nullable=False, server_default=sa.text("0")))
        table.add_column(sa.Column("admitted_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_index("ix_outbox_open_endpoint_due", table_name="outbox")
    with op.batch_alter_table("circuit_breakers") as table:
        table.drop_column("admitted_until")
        table.drop_column("admitted")
        table.drop_column("failed_at")
        table.drop_column("window_started_at")
