"""Outbox: a partial index of the open rows (pending, in flight) by due time, for the claim query,
in place of the index on (status, next_attempt_at).

Revision ID: 0005
Revises: 0004
Created: 2026-11-26

Without it, claiming a batch sorted every due row to find the first few; with it the database walks
the open rows in due order and stops at the batch size, however many delivered rows the table holds.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_ROWS = "status IN ('pending', 'in_flight')"


def upgrade() -> None:
    # The old index made the planners fetch and sort every due row; the partial one replaces it.
    op.drop_index("ix_outbox_status_next_attempt_at", table_name="outbox")
    op.create_index(
        "ix_outbox_open_due",
        "outbox",
        ["next_attempt_at", "id"],
        postgresql_where=sa.text(OPEN_ROWS),
        sqlite_where=sa.text(OPEN_ROWS),
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_open_due", table_name="outbox")
    op.create_index("ix_outbox_status_next_attempt_at", "outbox", ["status", "next_attempt_at"])
