"""Intake cursors: how far the gateway has read each corporation's system.

Revision ID: 0003
Revises: 0002
Created: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "flow_intake_cursor",
        sa.Column("corporatie", sa.String(length=100), nullable=False),
        sa.Column("adapter", sa.String(length=100), nullable=False),
        sa.Column("cursor", sa.String(length=1000), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("corporatie", "adapter", name=op.f("pk_flow_intake_cursor")),
    )


def downgrade() -> None:
    op.drop_table("flow_intake_cursor")
