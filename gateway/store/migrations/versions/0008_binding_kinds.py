"""Listings record which kind of binding they kept (local BIN/KRN, regional BIN/REG): the cap of the
Huisvestingswet 2014 art. 14 counts each kind against its own share of a gemeente's yearly supply.

Existing listings with binding are read from their stored document (the criteria they were published with).

Revision ID: 0008
Revises: 0007
Created: 2026-12-04
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("flow_publicatie") as batch:
        batch.add_column(sa.Column("binding_lokaal", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("binding_regionaal", sa.Boolean(), server_default=sa.false(), nullable=False))
    connection = op.get_bind()
    table = sa.table(
        "flow_publicatie",
        sa.column("id", sa.String()),
        sa.column("binding", sa.Boolean()),
        sa.column("document", sa.Text()),
        sa.column("binding_lokaal", sa.Boolean()),
        sa.column("binding_regionaal", sa.Boolean()),
    )
    rows = connection.execute(
        sa.select(table.c.id, sa.cast(table.c.document, sa.Text())).where(table.c.binding.is_(True))
    ).all()
    for publicatie_id, text in rows:
        document = json.loads(text)
        details = {
            (criterium.get("detailsoort") or {}).get("code")
            for eenheid in document.get("eenheden", [])
            for criterium in eenheid.get("criteria", [])
            if (criterium.get("soort") or {}).get("code") == "BIN"
        }
        connection.execute(
            table.update()
            .where(table.c.id == publicatie_id)
            .values(binding_lokaal="KRN" in details, binding_regionaal="REG" in details)
        )


def downgrade() -> None:
    with op.batch_alter_table("flow_publicatie") as batch:
        batch.drop_column("binding_regionaal")
        batch.drop_column("binding_lokaal")
