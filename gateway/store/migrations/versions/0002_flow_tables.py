"""Flow tables: eenheden, publicaties, inschrijvingen, kandidaten, aanbiedingen, toewijzingen,
overeenkomsten and sancties (gateway/flow/records.py).

Revision ID: 0002
Revises: 0001
Created: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "flow_eenheid",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("corporatie", sa.String(length=100), nullable=False),
        sa.Column("gemeente", sa.String(length=6), nullable=False),
        sa.Column(
            "document", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_eenheid")),
    )
    with op.batch_alter_table("flow_eenheid", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flow_eenheid_corporatie"), ["corporatie"], unique=False)

    op.create_table(
        "flow_inschrijving",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("portal", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=3), nullable=False),
        sa.Column("gemeente", sa.String(length=6), nullable=False),
        sa.Column("begindatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("weigeringen", sa.Integer(), nullable=False),
        sa.Column(
            "document", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_inschrijving")),
    )
    op.create_table(
        "flow_publicatie",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("corporatie", sa.String(length=100), nullable=False),
        sa.Column("eenheid_id", sa.String(length=100), nullable=False),
        sa.Column("gemeente", sa.String(length=6), nullable=False),
        sa.Column("model", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=3), nullable=False),
        sa.Column("begindatum", sa.DateTime(timezone=True), nullable=False),
        sa.Column("einddatum", sa.DateTime(timezone=True), nullable=False),
        sa.Column("daeb", sa.Boolean(), nullable=False),
        sa.Column("binding", sa.Boolean(), nullable=False),
        sa.Column("lotingzaad", sa.String(length=64), nullable=True),
        sa.Column("lotingzaad_commitment", sa.String(length=64), nullable=True),
        sa.Column("correlation_id", sa.String(length=100), nullable=False),
        sa.Column(
            "document", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "kandidatenlijst",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["eenheid_id"], ["flow_eenheid.id"], name=op.f("fk_flow_publicatie_eenheid_id_flow_eenheid")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_publicatie")),
    )
    with op.batch_alter_table("flow_publicatie", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flow_publicatie_corporatie"), ["corporatie"], unique=False)
        batch_op.create_index(batch_op.f("ix_flow_publicatie_gemeente_status"), ["gemeente", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_flow_publicatie_status_einddatum"), ["status", "einddatum"], unique=False)

    op.create_table(
        "flow_sanctie",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("inschrijving_id", sa.String(length=100), nullable=False),
        sa.Column(
            "document", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inschrijving_id"],
            ["flow_inschrijving.id"],
            name=op.f("fk_flow_sanctie_inschrijving_id_flow_inschrijving"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_sanctie")),
    )
    with op.batch_alter_table("flow_sanctie", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flow_sanctie_inschrijving_id"), ["inschrijving_id"], unique=False)

    op.create_table(
        "flow_kandidaat",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("publicatie_id", sa.String(length=100), nullable=False),
        sa.Column("inschrijving_id", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=3), nullable=False),
        sa.Column("reactiedatum", sa.DateTime(timezone=True), nullable=False),
        sa.Column("positie", sa.Integer(), nullable=True),
        sa.Column(
            "afwijzing", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True
        ),
        sa.Column(
            "eligibility", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True
        ),
        sa.Column(
            "document", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inschrijving_id"],
            ["flow_inschrijving.id"],
            name=op.f("fk_flow_kandidaat_inschrijving_id_flow_inschrijving"),
        ),
        sa.ForeignKeyConstraint(
            ["publicatie_id"], ["flow_publicatie.id"], name=op.f("fk_flow_kandidaat_publicatie_id_flow_publicatie")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_kandidaat")),
        sa.UniqueConstraint(
            "publicatie_id", "inschrijving_id", name=op.f("uq_flow_kandidaat_publicatie_id_inschrijving_id")
        ),
    )
    with op.batch_alter_table("flow_kandidaat", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flow_kandidaat_inschrijving_id"), ["inschrijving_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_flow_kandidaat_publicatie_id"), ["publicatie_id"], unique=False)

    op.create_table(
        "flow_toewijzing",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("publicatie_id", sa.String(length=100), nullable=False),
        sa.Column("inschrijving_id", sa.String(length=100), nullable=False),
        sa.Column("corporatie", sa.String(length=100), nullable=False),
        sa.Column("gemeente", sa.String(length=6), nullable=False),
        sa.Column("jaar", sa.Integer(), nullable=False),
        sa.Column("datum", sa.DateTime(timezone=True), nullable=False),
        sa.Column("passendheidsoort", sa.String(length=3), nullable=False),
        sa.Column("daeb", sa.Boolean(), nullable=False),
        sa.Column("daeb_doelgroep", sa.Boolean(), nullable=False),
        sa.Column("binding", sa.Boolean(), nullable=False),
        sa.Column("herkomst", sa.String(length=16), nullable=False),
        sa.Column("inschrijfduur_dagen", sa.Integer(), nullable=False),
        sa.Column("reacties", sa.Integer(), nullable=False),
        sa.Column(
            "document", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["inschrijving_id"],
            ["flow_inschrijving.id"],
            name=op.f("fk_flow_toewijzing_inschrijving_id_flow_inschrijving"),
        ),
        sa.ForeignKeyConstraint(
            ["publicatie_id"], ["flow_publicatie.id"], name=op.f("fk_flow_toewijzing_publicatie_id_flow_publicatie")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_toewijzing")),
        sa.UniqueConstraint("publicatie_id", name=op.f("uq_flow_toewijzing_publicatie_id")),
    )
    with op.batch_alter_table("flow_toewijzing", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flow_toewijzing_inschrijving_id"), ["inschrijving_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_flow_toewijzing_jaar_corporatie"), ["jaar", "corporatie"], unique=False)
        batch_op.create_index(batch_op.f("ix_flow_toewijzing_jaar_gemeente"), ["jaar", "gemeente"], unique=False)

    op.create_table(
        "flow_aanbieding",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("publicatie_id", sa.String(length=100), nullable=False),
        sa.Column("kandidaat_id", sa.String(length=100), nullable=False),
        sa.Column("inschrijving_id", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=3), nullable=False),
        sa.Column("detail_status", sa.String(length=3), nullable=True),
        sa.Column("aangeboden_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reageren_voor", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "document", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inschrijving_id"],
            ["flow_inschrijving.id"],
            name=op.f("fk_flow_aanbieding_inschrijving_id_flow_inschrijving"),
        ),
        sa.ForeignKeyConstraint(
            ["kandidaat_id"], ["flow_kandidaat.id"], name=op.f("fk_flow_aanbieding_kandidaat_id_flow_kandidaat")
        ),
        sa.ForeignKeyConstraint(
            ["publicatie_id"], ["flow_publicatie.id"], name=op.f("fk_flow_aanbieding_publicatie_id_flow_publicatie")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_aanbieding")),
    )
    with op.batch_alter_table("flow_aanbieding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flow_aanbieding_inschrijving_id"), ["inschrijving_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_flow_aanbieding_publicatie_id"), ["publicatie_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_flow_aanbieding_status_reageren_voor"), ["status", "reageren_voor"], unique=False
        )

    op.create_table(
        "flow_overeenkomst",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("toewijzing_id", sa.String(length=100), nullable=False),
        sa.Column("corporatie", sa.String(length=100), nullable=False),
        sa.Column("begindatum", sa.Date(), nullable=False),
        sa.Column(
            "document", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["toewijzing_id"], ["flow_toewijzing.id"], name=op.f("fk_flow_overeenkomst_toewijzing_id_flow_toewijzing")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_overeenkomst")),
        sa.UniqueConstraint("toewijzing_id", name=op.f("uq_flow_overeenkomst_toewijzing_id")),
    )


def downgrade() -> None:
    op.drop_table("flow_overeenkomst")
    with op.batch_alter_table("flow_aanbieding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flow_aanbieding_status_reageren_voor"))
        batch_op.drop_index(batch_op.f("ix_flow_aanbieding_publicatie_id"))
        batch_op.drop_index(batch_op.f("ix_flow_aanbieding_inschrijving_id"))

    op.drop_table("flow_aanbieding")
    with op.batch_alter_table("flow_toewijzing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flow_toewijzing_jaar_gemeente"))
        batch_op.drop_index(batch_op.f("ix_flow_toewijzing_jaar_corporatie"))
        batch_op.drop_index(batch_op.f("ix_flow_toewijzing_inschrijving_id"))

    op.drop_table("flow_toewijzing")
    with op.batch_alter_table("flow_kandidaat", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flow_kandidaat_publicatie_id"))
        batch_op.drop_index(batch_op.f("ix_flow_kandidaat_inschrijving_id"))

    op.drop_table("flow_kandidaat")
    with op.batch_alter_table("flow_sanctie", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flow_sanctie_inschrijving_id"))

    op.drop_table("flow_sanctie")
    with op.batch_alter_table("flow_publicatie", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flow_publicatie_status_einddatum"))
        batch_op.drop_index(batch_op.f("ix_flow_publicatie_gemeente_status"))
        batch_op.drop_index(batch_op.f("ix_flow_publicatie_corporatie"))

    op.drop_table("flow_publicatie")
    op.drop_table("flow_inschrijving")
    with op.batch_alter_table("flow_eenheid", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flow_eenheid_corporatie"))

    op.drop_table("flow_eenheid")
