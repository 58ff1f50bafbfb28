"""Figures of allocations per year and gemeente: counts and the quota shares (gateway.flow.quotas), and
where housed households came from. Counts only; no row here can be traced to a household."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from adapters.sdk.spreadsheet import neutralise
from gateway.api.deps import ApiContext, read_session
from gateway.api.toewijzingen import repository
from gateway.api.toewijzingen.schemas import Herkomst, ToewijzingAantallen, ToewijzingCijfers
from gateway.flow import quotas

__all__ = ["CSV_COLUMNS", "aantallen", "as_csv"]


def _share(value: Decimal | None) -> float | None:
    return None if value is None else round(float(value), 4)


def aantallen(ctx: ApiContext, jaar: int | None, gemeente: str | None) -> ToewijzingAantallen:
    items = []
    with read_session(ctx.db) as session:
        for year, code in repository.groups(session, jaar, gemeente):
            shares = quotas.shares(session, year, gemeente=code)
            origin = repository.herkomst(session, year, code)
            items.append(
                ToewijzingCijfers(
                    jaar=year,
                    gemeente=code,
                    toewijzingen=shares.lettings,
                    daeb=shares.daeb,
                    daeb_doelgroep=shares.daeb_doelgroep,
                    passend=shares.passend,
                    niet_passend=shares.niet_passend,
                    binding=shares.binding,
                    daeb_aandeel=_share(shares.daeb_share),
                    passend_aandeel=_share(shares.passend_share),
                    binding_aandeel=_share(shares.binding_share),
                    herkomst=Herkomst(
                        gemeente=origin["gemeente"], regio=origin["regio"], buiten_regio=origin["buiten_regio"]
                    ),
                )
            )
    return ToewijzingAantallen(items=items)


CSV_COLUMNS = (
    "jaar",
    "gemeente",
    "toewijzingen",
    "daeb",
    "daebDoelgroep",
    "passend",
    "nietPassend",
    "binding",
    "daebAandeel",
    "passendAandeel",
    "bindingAandeel",
    "herkomstGemeente",
    "herkomstRegio",
    "herkomstBuitenRegio",
)


def as_csv(figures: ToewijzingAantallen) -> bytes:
    """The figures as CSV (`;`-separated, as Dutch spreadsheets expect), every cell through the formula
    neutraliser the adapters share (adapters.sdk.spreadsheet), so no cell starts a formula in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in figures.items:
        values = [
            row.jaar,
            row.gemeente,
            row.toewijzingen,
            row.daeb,
            row.daeb_doelgroep,
            row.passend,
            row.niet_passend,
            row.binding,
            row.daeb_aandeel,
            row.passend_aandeel,
            row.binding_aandeel,
            row.herkomst.gemeente,
            row.herkomst.regio,
            row.herkomst.buiten_regio,
        ]
        writer.writerow([neutralise("" if value is None else str(value)) for value in values])
    return out.getvalue().encode("utf-8")
