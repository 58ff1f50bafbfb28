"""The published record of each listing's draw, read from the store: for the API (`/publicaties/{id}/loting`)
and `woonbrug verify-lottery`. The record's shape and its check are `gateway.flow.lottery`.

The commitment comes from the listing as it was published (its document); the secret, the closed response
list and its digest from the `loting.getrokken` audit entry written with the draw; the ranked candidates
from the released Kandidatenlijst. Before the draw the record holds the commitment only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.flow.lottery import trekking
from gateway.flow.records import PublicatieRecord
from gateway.store import audit

__all__ = ["DRAW_ACTION", "drawn_publicaties", "published_trekking"]

DRAW_ACTION = "loting.getrokken"


def published_trekking(session: Session, record: PublicatieRecord) -> dict[str, Any] | None:
    """The draw record of one listing; None for a listing published without a commitment."""
    commitment = record.document.get("lotingzaadCommitment") or record.lotingzaad_commitment
    if commitment is None:
        return None
    entries = audit.search(session, publicatie_id=record.id, action=DRAW_ACTION, limit=1)
    if not entries or record.kandidatenlijst is None:
        return trekking(record.id, commitment=commitment, lotingzaad=None, reacties=(), kandidaten=[])
    drawn = entries[0].detail
    return {
        **trekking(
            record.id,
            commitment=commitment,
            lotingzaad=drawn["lotingzaad"],
            reacties=drawn["reacties"],
            kandidaten=record.kandidatenlijst.get("kandidaten", []),
        ),
        # As recorded at the draw, so a changed list shows as a mismatch rather than being recomputed away.
        "reactiesDigest": drawn["reactiesDigest"],
    }


def drawn_publicaties(session: Session) -> list[PublicatieRecord]:
    """Every listing whose draw has taken place (a released Kandidatenlijst and a commitment), by id."""
    query = select(PublicatieRecord).where(PublicatieRecord.lotingzaad_commitment.is_not(None))
    # An unset JSON column may hold JSON null rather than SQL NULL, so the list is tested here.
    return [record for record in session.scalars(query.order_by(PublicatieRecord.id)) if record.kandidatenlijst]
