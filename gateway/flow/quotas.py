"""Quotas per corporation, municipality and year: the live shares the law and the region set norms for.

- DAEB target share: of DAEB lettings, the share let to households within the DAEB income limit
  (norm: at least 92.5%).
- Passend share: PAS / (PAS + NIE) — lettings where the passend test applied and held (norm: at least 95%).
- Binding share of lettings: the share that went to a household through local or regional binding (a
  report figure). The legal cap is not on lettings but on listings (a share of the gemeente's yearly
  supply, local and regional apart): `binding_count` counts those, `gateway.flow.binding` decides.

`warnings_for` is asked before an allocation is stored: it loads the shares, and `quota_warnings` (pure)
names every norm the allocation would break with it. The flow records the warnings; it does not refuse.

`lettings_by` is the one count of lettings (in SQL, per corporation, gemeente or the whole region): the
quotas, the API's figures and the reports all read it, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from gateway.flow.binding import BindingCount
from gateway.flow.parameters import YearParameters, dutch_year_bounds
from gateway.flow.policy import RegionPolicy
from gateway.flow.records import PublicatieRecord, ToewijzingRecord

__all__ = [
    "DAEB_NORM",
    "PASSEND_NORM",
    "Shares",
    "binding_count",
    "binding_counts",
    "in_daeb_doelgroep",
    "lettings_by",
    "quota_warnings",
    "shares",
    "warnings_for",
]

DAEB_NORM = Decimal("0.925")
PASSEND_NORM = Decimal("0.95")


@dataclass(frozen=True)
class Shares:
    """Counts behind the shares; a share is None when nothing it divides by exists yet."""

    lettings: int
    daeb: int
    daeb_doelgroep: int
    passend: int
    niet_passend: int
    binding: int

    @property
    def daeb_share(self) -> Decimal | None:
        return Decimal(self.daeb_doelgroep) / self.daeb if self.daeb else None

    @property
    def passend_share(self) -> Decimal | None:
        applied = self.passend + self.niet_passend
        return Decimal(self.passend) / applied if applied else None

    @property
    def binding_share(self) -> Decimal | None:
        return Decimal(self.binding) / self.lettings if self.lettings else None

    def plus(self, record: ToewijzingRecord) -> Shares:
        return Shares(
            lettings=self.lettings + 1,
            daeb=self.daeb + int(record.daeb),
            daeb_doelgroep=self.daeb_doelgroep + int(record.daeb_doelgroep),
            passend=self.passend + int(record.passendheidsoort == "PAS"),
            niet_passend=self.niet_passend + int(record.passendheidsoort == "NIE"),
            binding=self.binding + int(record.binding),
        )


def in_daeb_doelgroep(is_daeb: bool, rekeninkomen: Decimal, huishoudgrootte: int, parameters: YearParameters) -> bool:
    """Whether a letting counts towards the DAEB target: a DAEB unit let within the year's DAEB income limit."""
    return is_daeb and rekeninkomen <= parameters.daeb_income_limit(huishoudgrootte)


def _counts() -> list[Any]:
    t = ToewijzingRecord
    return [
        func.count(),
        func.coalesce(func.sum(case((t.daeb.is_(True), 1), else_=0)), 0),
        func.coalesce(func.sum(case((t.daeb_doelgroep.is_(True), 1), else_=0)), 0),
        func.coalesce(func.sum(case((t.passendheidsoort == "PAS", 1), else_=0)), 0),
        func.coalesce(func.sum(case((t.passendheidsoort == "NIE", 1), else_=0)), 0),
        func.coalesce(func.sum(case((t.binding.is_(True), 1), else_=0)), 0),
    ]


def shares(session: Session, year: int, *, corporatie: str | None = None, gemeente: str | None = None) -> Shares:
    """The counts of one year's lettings, for a corporation, a gemeente, both, or the whole region."""
    return lettings_by(session, year, None, corporatie=corporatie, gemeente=gemeente).get("", _NONE)


_NONE = Shares(0, 0, 0, 0, 0, 0)


def lettings_by(
    session: Session,
    year: int,
    group: Literal["corporatie", "gemeente"] | None,
    *,
    corporatie: str | None = None,
    gemeente: str | None = None,
) -> dict[str, Shares]:
    """One year's letting counts per corporatie or gemeente (`group`; None: one total under the key "")
    narrowed to a corporation and/or gemeente. Groups without lettings are absent."""
    t = ToewijzingRecord
    key = {"corporatie": t.corporatie, "gemeente": t.gemeente, None: None}[group]
    columns = _counts() if key is None else [key, *_counts()]
    query = select(*columns).where(t.jaar == year)
    if corporatie is not None:
        query = query.where(t.corporatie == corporatie)
    if gemeente is not None:
        query = query.where(t.gemeente == gemeente)
    if key is None:
        row = session.execute(query).one()
        counts = Shares(*(int(value) for value in row))
        return {"": counts} if counts.lettings else {}
    out: dict[str, Shares] = {}
    for row in session.execute(query.group_by(key)):
        out[str(row[0])] = Shares(*(int(value) for value in row[1:]))
    return out


def warnings_for(session: Session, record: ToewijzingRecord, policy: RegionPolicy) -> list[str]:
    """The norms this allocation would break for its corporation and gemeente in its year (English, no persons)."""
    before = {
        "corporatie": shares(session, record.jaar, corporatie=record.corporatie),
        "gemeente": shares(session, record.jaar, gemeente=record.gemeente),
    }
    return quota_warnings(record, before, policy)


def quota_warnings(record: ToewijzingRecord, before: Mapping[str, Shares], policy: RegionPolicy) -> list[str]:
    """The norms `record` breaks, given each scope's counts before it (`corporatie`, `gemeente`). Pure."""
    out: list[str] = []
    for scope, key in (("corporatie", record.corporatie), ("gemeente", record.gemeente)):
        after = before[scope].plus(record)
        if record.daeb and after.daeb_share is not None and after.daeb_share < DAEB_NORM:
            out.append(f"{scope} {key}: DAEB target share {after.daeb_share:.1%} below the 92.5% norm")
        if record.passendheidsoort == "NIE" and after.passend_share is not None and after.passend_share < PASSEND_NORM:
            out.append(f"{scope} {key}: passend share {after.passend_share:.1%} below the 95% norm")
    return out


def _flag_count(column: Any) -> Any:
    return func.coalesce(func.sum(case((column.is_(True), 1), else_=0)), 0)


def _listings_by_gemeente(session: Session, year: int, gemeente: str | None) -> Any:
    p = PublicatieRecord
    start, end = dutch_year_bounds(year)
    query = (
        select(p.gemeente, func.count(), _flag_count(p.binding_lokaal), _flag_count(p.binding_regionaal))
        .where(p.created_at >= start, p.created_at < end)
        .group_by(p.gemeente)
        .order_by(p.gemeente)
    )
    if gemeente is not None:
        query = query.where(p.gemeente == gemeente)
    return session.execute(query)


def binding_counts(
    session: Session, year: int, *, gemeente: str | None = None, verwacht_aanbod: Mapping[str, int] | None = None
) -> dict[str, BindingCount]:
    """Per gemeente, its listings published in the Dutch calendar year `year`, with local and with
    regional binding: the supply the binding cap is a share of (the count the reports and API show).
    `expected` is the gemeente's `verwacht_aanbod` when given, else its listings of the year before."""
    configured = verwacht_aanbod or {}
    previous = {str(g): int(n) for g, n, _, _ in _listings_by_gemeente(session, year - 1, gemeente)}
    out: dict[str, BindingCount] = {}
    for g, n, lokaal, regionaal in _listings_by_gemeente(session, year, gemeente):
        code = str(g)
        out[code] = BindingCount(int(n), int(lokaal), int(regionaal), configured.get(code, previous.get(code, 0)))
    return out


def binding_count(
    session: Session, year: int, gemeente: str, *, verwacht_aanbod: Mapping[str, int] | None = None
) -> BindingCount:
    """One gemeente's `binding_counts` (no listings yet this year: zero, with the expected supply)."""
    found = binding_counts(session, year, gemeente=gemeente, verwacht_aanbod=verwacht_aanbod).get(gemeente)
    if found is not None:
        return found
    configured = (verwacht_aanbod or {}).get(gemeente)
    if configured is None:
        previous = [int(n) for _, n, _, _ in _listings_by_gemeente(session, year - 1, gemeente)]
        configured = previous[0] if previous else 0
    return BindingCount(expected=configured)
