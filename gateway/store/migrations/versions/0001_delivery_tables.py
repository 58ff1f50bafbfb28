"""Delivery tables: inbox, outbox, delivery attempts, circuit breakers, and the append-only audit log.

Revision ID: 0001
Revises:
Created: 2026-03-02

The audit log refuses UPDATE, DELETE (and on PostgreSQL TRUNCATE) through triggers, so "append-only"
holds for every client of the database, not only for our code.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False)


def _json(name: str) -> sa.Column[object]:
    return sa.Column(
        name, sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
    )


def _at(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _key(name: str, *, nullable: bool = False, length: int = 100) -> sa.Column[str]:
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "audit_log",
        _id(),
        _at("at"),
        _key("actor"),
        _key("action", length=64),
        _key("entity_type", length=64),
        _key("entity_id", nullable=True),
        _key("publicatie_id", nullable=True),
        _key("inschrijving_id", nullable=True),
        _key("toewijzing_id", nullable=True),
        _key("correlation_id", nullable=True),
        _key("message_id", nullable=True),
        _json("detail"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    for columns in (
        ["action"],
        ["at"],
        ["correlation_id"],
        ["entity_type", "entity_id"],
        ["inschrijving_id"],
        ["message_id"],
        ["publicatie_id"],
        ["toewijzing_id"],
    ):
        op.create_index(op.f(f"ix_audit_log_{'_'.join(columns)}"), "audit_log", columns)

    op.create_table(
        "circuit_breakers",
        _key("endpoint", length=201),
        _key("state", length=16),
        sa.Column("failures", sa.Integer(), nullable=False),
        _at("opened_until", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _at("updated_at"),
        sa.CheckConstraint("state IN ('closed', 'open', 'half_open')", name=op.f("ck_circuit_breakers_state")),
        sa.PrimaryKeyConstraint("endpoint", name=op.f("pk_circuit_breakers")),
    )

    op.create_table(
        "inbox",
        _id(),
        _key("source_tenant"),
        _key("source_system"),
        _key("message_id"),
        _key("type", length=64),
        _key("correlation_id"),
        _json("payload"),
        _at("received_at"),
        _at("processed_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox")),
        sa.UniqueConstraint("source_tenant", "message_id", name=op.f("uq_inbox_source_tenant_message_id")),
    )
    op.create_index(op.f("ix_inbox_correlation_id"), "inbox", ["correlation_id"])
    op.create_index(op.f("ix_inbox_processed_at_id"), "inbox", ["processed_at", "id"])

    op.create_table(
        "outbox",
        _id(),
        _key("message_id"),
        _key("idempotency_key", length=250),
        sa.Column("generation", sa.Integer(), nullable=False),
        _key("type", length=64),
        _key("corporation"),
        _key("adapter"),
        _key("endpoint", length=201),
        _key("business_key", nullable=True),
        _key("ordering_key", nullable=True),
        _key("correlation_id"),
        _json("payload"),
        _key("status", length=16),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _at("next_attempt_at"),
        _key("claimed_by", nullable=True),
        _at("claimed_until", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _key("last_error_class", nullable=True, length=64),
        sa.Column("last_status", sa.Integer(), nullable=True),
        _key("vendor_reference", nullable=True, length=250),
        _at("delivered_at", nullable=True),
        _at("dead_at", nullable=True),
        sa.Column("parent_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        _key("replayed_by", nullable=True),
        _at("replayed_at", nullable=True),
        sa.Column("replay_reason", sa.Text(), nullable=True),
        _at("created_at"),
        _at("updated_at"),
        sa.CheckConstraint("status IN ('pending', 'in_flight', 'delivered', 'dead')", name=op.f("ck_outbox_status")),
        sa.ForeignKeyConstraint(["parent_id"], ["outbox.id"], name=op.f("fk_outbox_parent_id_outbox")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("idempotency_key", "generation", name=op.f("uq_outbox_idempotency_key_generation")),
    )
    for columns in (
        ["business_key"],
        ["correlation_id"],
        ["endpoint", "ordering_key", "id"],
        ["message_id"],
        ["parent_id"],
        ["status", "next_attempt_at"],
    ):
        op.create_index(op.f(f"ix_outbox_{'_'.join(columns)}"), "outbox", columns)

    op.create_table(
        "delivery_attempts",
        _id(),
        sa.Column("outbox_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("attempt_no", sa.Integer(), nullable=False),
        _key("worker", nullable=True),
        _at("started_at"),
        _at("finished_at"),
        _key("outcome", length=16),
        _key("error_class", nullable=True, length=64),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("retry_after", sa.Double(), nullable=True),
        _at("next_attempt_at", nullable=True),
        sa.CheckConstraint(
            "outcome IN ('delivered', 'transient', 'permanent', 'mapping', 'lease_expired')",
            name=op.f("ck_delivery_attempts_outcome"),
        ),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"], name=op.f("fk_delivery_attempts_outbox_id_outbox")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_attempts")),
        sa.UniqueConstraint("outbox_id", "attempt_no", name=op.f("uq_delivery_attempts_outbox_id_attempt_no")),
    )

    _forbid_audit_changes()


def _forbid_audit_changes() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION woonbrug_audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END
            $$
            """
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION woonbrug_audit_log_is_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION woonbrug_audit_log_is_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: {verb} refused'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS woonbrug_audit_log_is_append_only()")
    op.drop_table("delivery_attempts")
    op.drop_table("outbox")
    op.drop_table("inbox")
    op.drop_table("circuit_breakers")
    op.drop_table("audit_log")
