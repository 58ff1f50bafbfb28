"""The dashboard's templates and the Dutch way of writing its values (dates, shares, VERA codes, states).

Templates autoescape and use `StrictUndefined`: a misspelt variable is an error in the tests, not an
empty cell in production.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from gateway.flow.eligibility import RejectionReason
from gateway.reports.render import LABELS
from gateway.web.charts import percent
from schemas.codelist import Codelijst
from schemas.referentiedata import (
    AanbiedingDetailStatus,
    AanbiedingStatus,
    KandidaatStatus,
    PassendheidSoort,
    PublicatieModel,
    PublicatieStatus,
)

__all__ = ["TEMPLATES", "environment"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")

OUTBOX_STATUS = {"pending": "wacht", "in_flight": "onderweg", "delivered": "afgeleverd", "dead": "dood"}
OUTCOME = {
    "delivered": "afgeleverd",
    "transient": "tijdelijke fout",
    "permanent": "geweigerd",
    "mapping": "vertaalfout",
    "lease_expired": "claim verlopen",
}
BREAKER = {"closed": "gesloten", "open": "open", "half_open": "half open"}
BREAKER_HELP = {
    "closed": "berichten gaan door",
    "open": "bezorging gepauzeerd na herhaalde storingen",
    "half_open": "één proefbericht onderweg",
}
REJECTION = {
    RejectionReason.INSCHRIJVING_NIET_ACTIEF: "Inschrijving niet actief",
    RejectionReason.GESANCTIONEERD: "Sanctie",
    RejectionReason.HUISHOUDEN_TE_KLEIN: "Huishouden te klein",
    RejectionReason.HUISHOUDEN_TE_GROOT: "Huishouden te groot",
    RejectionReason.LEEFTIJD_TE_LAAG: "Leeftijd te laag",
    RejectionReason.LEEFTIJD_TE_HOOG: "Leeftijd te hoog",
    RejectionReason.INKOMEN_TE_LAAG: "Inkomen te laag",
    RejectionReason.INKOMEN_TE_HOOG: "Inkomen te hoog",
    RejectionReason.DAEB_INKOMENSGRENS: "Boven de DAEB-inkomensgrens",
    RejectionReason.NIET_PASSEND: "Niet passend",
    RejectionReason.DOELGROEP: "Niet in de doelgroep",
    RejectionReason.DUBBELE_REACTIE: "Dubbele reactie",
}
CRITERIUM = {
    "voorrang": "Voorrang",
    "inschrijfduur": "Inschrijfduur",
    "lotnummer": "Lotnummer",
    "reactiedatum": "Reactiedatum",
    "volgorde": "Volgorde bij gelijke stand",
}


def _local(moment: datetime) -> datetime:
    return moment.astimezone(AMSTERDAM) if moment.tzinfo is not None else moment


def tijd(value: datetime | None) -> str:
    """`2 mrt 2026 10:00` in Dutch time; '–' for none."""
    if value is None:
        return "–"
    moment = _local(value)
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year} {moment:%H:%M}"


def tijd_exact(value: datetime | None) -> str:
    if value is None:
        return "–"
    return f"{tijd(value)}:{_local(value):%S}"


def datum(value: date | datetime | str | None) -> str:
    if value is None or value == "":
        return "–"
    day: date
    if isinstance(value, str):
        try:
            day = _local(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return value
    elif isinstance(value, datetime):
        day = _local(value)
    else:
        day = value
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def number(value: float | int | None) -> str:
    if value is None:
        return "–"
    # Dutch: a point between thousands, a comma before decimals (1.234,5).
    text = f"{value:,.1f}" if isinstance(value, float) and value != int(value) else f"{int(value):,}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def _naam(codelist: type[Codelijst]) -> Any:
    def lookup(code: str | None) -> str:
        if not code:
            return "–"
        try:
            return codelist.from_code(code).naam
        except (KeyError, ValueError, LookupError):
            return code

    return lookup


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        tijd=tijd,
        tijd_exact=tijd_exact,
        datum=datum,
        aandeel=percent,
        getal=number,
        publicatiestatus=_naam(PublicatieStatus),
        model=_naam(PublicatieModel),
        passend=_naam(PassendheidSoort),
        kandidaatstatus=_naam(KandidaatStatus),
        aanbiedingstatus=_naam(AanbiedingStatus),
        reden=_naam(AanbiedingDetailStatus),
        berichtstatus=lambda s: OUTBOX_STATUS.get(s, s),
        uitkomst=lambda s: OUTCOME.get(s, s),
        stroomonderbreker=lambda s: BREAKER.get(s, s),
        stroomonderbreker_uitleg=lambda s: BREAKER_HELP.get(s, ""),
        afwijzing=lambda s: REJECTION.get(s, s) if s in RejectionReason._value2member_map_ else s,
        criterium=lambda s: CRITERIUM.get(s, s),
        herkomst=lambda s: LABELS.get(s, s),
    )
    env.globals["labels"] = LABELS
    return env
