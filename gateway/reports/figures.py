"""The report's figures, counted over the flow's tables for one year and an optional gemeente/corporation.

Definitions (each is what the dashboard and `woonbrug report` show):
- lettings: allocations (toewijzingen) dated in the year;
- passend share: PAS / (PAS + NIE) among those lettings (NVT does not count: the test did not apply);
- DAEB share: of lettings of DAEB units, the share to households within the DAEB income limit;
- binding share: of lettings, the share that went through local or regional binding;
- average inschrijfduur at allocation, in days (and years);
- responses per listing: responses (kandidaten) per listing published in the year;
- refusals by reason: refused offers (GEW) made in the year, by VERA AANBIEDINGDETAILSTATUS;
- herkomst: where housed seekers came from — the same gemeente as the home, elsewhere in the region,
  or outside the region (counts and shares).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.flow import quotas
from gateway.flow.herkomst import HERKOMSTEN
from gateway.flow.parameters import dutch_year_bounds
from gateway.flow.records import AanbiedingRecord, KandidaatRecord, PublicatieRecord, ToewijzingRecord

__all__ = ["Figures", "Report", "compute"]


@dataclass
class Figures:
    lettings: int = 0
    passend: int = 0
    niet_passend: int = 0
    daeb: int = 0
    daeb_doelgroep: int = 0
    binding: int = 0
    inschrijfduur_dagen_total: int = 0
    listings: int = 0
    responses: int = 0
    refusals_by_reason: dict[str, int] = field(default_factory=dict)
    herkomst: dict[str, int] = field(default_factory=lambda: dict.fromkeys(HERKOMSTEN, 0))

    @property
    def passend_share(self) -> float | None:
        applied = self.passend + self.niet_passend
        return _share(self.passend, applied)

    @property
    def daeb_share(self) -> float | None:
        return _share(self.daeb_doelgroep, self.daeb)

    @property
    def binding_share(self) -> float | None:
        return _share(self.binding, self.lettings)

    @property
    def average_inschrijfduur_dagen(self) -> float | None:
        return round(self.inschrijfduur_dagen_total / self.lettings, 1) if self.lettings else None

    @property
    def responses_per_listing(self) -> float | None:
        return round(self.responses / self.listings, 1) if self.listings else None

    def herkomst_shares(self) -> dict[str, float | None]:
        return {key: _share(count, self.lettings) for key, count in self.herkomst.items()}

    def as_dict(self) -> dict[str, Any]:
        return {
            "lettings": self.lettings,
            "passend_share": self.passend_share,
            "daeb_share": self.daeb_share,
            "binding_share": self.binding_share,
            "average_inschrijfduur_days": self.average_inschrijfduur_dagen,
            "listings": self.listings,
            "responses": self.responses,
            "responses_per_listing": self.responses_per_listing,
            "refusals_by_reason": dict(sorted(self.refusals_by_reason.items())),
            "herkomst": dict(self.herkomst),
            "herkomst_shares": self.herkomst_shares(),
            "counts": {
                "passend": self.passend,
                "niet_passend": self.niet_passend,
                "daeb": self.daeb,
                "daeb_doelgroep": self.daeb_doelgroep,
                "binding": self.binding,
            },
        }


@dataclass
class Report:
    year: int
    gemeente: str | None
    corporatie: str | None
    total: Figures
    by_gemeente: dict[str, Figures]
    by_corporatie: dict[str, Figures]

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "gemeente": self.gemeente,
            "corporatie": self.corporatie,
            "total": self.total.as_dict(),
            "by_gemeente": {key: figures.as_dict() for key, figures in sorted(self.by_gemeente.items())},
            "by_corporatie": {key: figures.as_dict() for key, figures in sorted(self.by_corporatie.items())},
        }


def _share(part: int, whole: int) -> float | None:
    return round(float(Decimal(part) / whole), 4) if whole else None


def compute(session: Session, year: int, *, gemeente: str | None = None, corporatie: str | None = None) -> Report:
    """Every figure for `year`, for the whole region or narrowed to a gemeente and/or corporation."""
    # The Dutch calendar year, as for the lettings (`jaar` is the year of the Dutch allocation date).
    start, end = dutch_year_bounds(year)
    total = Figures()
    by_gemeente: dict[str, Figures] = {}
    by_corporatie: dict[str, Figures] = {}

    def targets(row_gemeente: str, row_corporatie: str) -> tuple[Figures, ...]:
        return (
            total,
            by_gemeente.setdefault(row_gemeente, Figures()),
            by_corporatie.setdefault(row_corporatie, Figures()),
        )

    # The letting counts are the quotas' own (`quotas.lettings_by`), so the report and the quota warnings
    # cannot disagree; what only the report shows (origin, time registered) is added up here.
    narrowed = {"corporatie": corporatie, "gemeente": gemeente}
    _add_counts(total, quotas.lettings_by(session, year, None, **narrowed).get(""))
    for key, counts in quotas.lettings_by(session, year, "gemeente", **narrowed).items():
        _add_counts(by_gemeente.setdefault(key, Figures()), counts)
    for key, counts in quotas.lettings_by(session, year, "corporatie", **narrowed).items():
        _add_counts(by_corporatie.setdefault(key, Figures()), counts)
    t = ToewijzingRecord
    lettings = select(t.gemeente, t.corporatie, t.herkomst, t.inschrijfduur_dagen).where(t.jaar == year)
    lettings = _narrow(lettings, t.gemeente, t.corporatie, gemeente, corporatie)
    for row in session.execute(lettings):
        for figures in targets(row.gemeente, row.corporatie):
            figures.inschrijfduur_dagen_total += row.inschrijfduur_dagen
            figures.herkomst[row.herkomst] = figures.herkomst.get(row.herkomst, 0) + 1

    p = PublicatieRecord
    responses = (
        select(p.gemeente, p.corporatie, func.count(KandidaatRecord.id))
        .outerjoin(KandidaatRecord, KandidaatRecord.publicatie_id == p.id)
        .where(p.created_at >= start, p.created_at < end)
        .group_by(p.id, p.gemeente, p.corporatie)
    )
    for row_gemeente, row_corporatie, count in session.execute(
        _narrow(responses, p.gemeente, p.corporatie, gemeente, corporatie)
    ):
        for figures in targets(row_gemeente, row_corporatie):
            figures.listings += 1
            figures.responses += count

    a = AanbiedingRecord
    refusals = (
        select(p.gemeente, p.corporatie, a.detail_status, func.count())
        .join(p, p.id == a.publicatie_id)
        .where(a.status == "GEW", a.aangeboden_op >= start, a.aangeboden_op < end)
        .group_by(p.gemeente, p.corporatie, a.detail_status)
    )
    for row_gemeente, row_corporatie, reason, count in session.execute(
        _narrow(refusals, p.gemeente, p.corporatie, gemeente, corporatie)
    ):
        for figures in targets(row_gemeente, row_corporatie):
            key = reason or "onbekend"
            figures.refusals_by_reason[key] = figures.refusals_by_reason.get(key, 0) + count
    return Report(year, gemeente, corporatie, total, by_gemeente, by_corporatie)


def _add_counts(figures: Figures, counts: quotas.Shares | None) -> None:
    if counts is None:
        return
    figures.lettings += counts.lettings
    figures.passend += counts.passend
    figures.niet_passend += counts.niet_passend
    figures.daeb += counts.daeb
    figures.daeb_doelgroep += counts.daeb_doelgroep
    figures.binding += counts.binding


def _narrow(
    query: Any, gemeente_column: Any, corporatie_column: Any, gemeente: str | None, corporatie: str | None
) -> Any:
    if gemeente is not None:
        query = query.where(gemeente_column == gemeente)
    if corporatie is not None:
        query = query.where(corporatie_column == corporatie)
    return query
