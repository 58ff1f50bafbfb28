"""The inbound pipeline: rejections kept with their reason, poll health per corporation, and superseded
dead letters.

Revision ID: 0006
Revises: 0005
Created: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbound_rejection",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("corporatie", sa.String(length=100), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("message_type", sa.String(length=64), nullable=True),
        sa.Column("message_id", sa.String(length=100), nullable=True),
        sa.Column("inbox_id", sa.Integer(), nullable=True),
        sa.Column("location", sa.String(length=500), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("seen", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_rejection")),
        sa.UniqueConstraint("corporatie", "content_hash", name=op.f("uq_inbound_rejection_corporatie_content_hash")),
    )
    op.create_index(op.f("ix_inbound_rejection_corporatie"), "inbound_rejection", ["corporatie"])
    op.create_index(op.f("ix_inbound_rejection_last_seen_at"), "inbound_rejection", ["last_seen_at"])
    op.create_table(
        "inbound_poll_health",
        sa.Column("corporatie", sa.String(length=100), nullable=False),
        sa.Column("adapter", sa.String(length=100), nullable=False),
        sa.Column("healthy", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("failing_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_poll_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_ok_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("corporatie", "adapter", name=op.f("pk_inbound_poll_health")),
    )
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("superseded_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("superseded_at")
        batch.drop_column("superseded_by")
    op.drop_table("inbound_poll_health")
    op.drop_index(op.f("ix_inbound_rejection_last_seen_at"), table_name="inbound_rejection")
    op.drop_index(op.f("ix_inbound_rejection_corporatie"), table_name="inbound_rejection")
    op.drop_table("inbound_rejection")
