"""Builders for the flow tests: households, units and listings stated by what a test varies.

Built on tests/factories.py, so every object is a valid canonical one; all people are fictional.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from gateway.flow.parameters import ParameterTable, default_parameter_table
from gateway.flow.policy import RegionConfig, load_region
from schemas import Eenheid, Inschrijving, Publicatie
from tests import factories

DEMO_REGION_FILE = "gateway/flow/data/demo-region.yaml"


def table() -> ParameterTable:
    return default_parameter_table()


def region() -> RegionConfig:
    from tests.conftest import REPO

    return load_region(REPO / DEMO_REGION_FILE)


def birth_for_age(years: int, on: date, *, days_later: int = 0) -> str:
    """A birth date on which someone is exactly `years` old on `on` (or turns it `days_later` days after)."""
    born = on.replace(year=on.year - years)
    return date.fromordinal(born.toordinal() + days_later).isoformat()


def household(
    *,
    persons: int = 1,
    income: str | Decimal = "25000.00",
    birth: str = "1990-06-15",
    partner_birth: str | None = None,
    **changes: Any,
) -> Inschrijving:
    """A household of `persons` (two adults when a partner is given, else one adult plus children)."""
    adults = 2 if partner_birth is not None else 1
    data: dict[str, Any] = {
        "aanvrager": factories.persoon(geboortedatum=birth),
        "aantalVolwassenen": adults,
        "aantalKinderen": persons - adults,
        "inkomen": {"bedrag": Decimal(str(income)), "jaar": 2025, "bron": {"code": "ARB"}},
    }
    if partner_birth is not None:
        data["medeaanvrager"] = factories.persoon(voornaam="Partner", geboortedatum=partner_birth, bsn=None)
    data.update(changes)
    inschrijving = Inschrijving.model_validate({**factories.inschrijving().model_dump(mode="json"), **data})
    assert inschrijving.huishoudgrootte == persons
    return inschrijving


def unit(*, rekenhuur: str | Decimal = "600.00", label: str = "DAE", **changes: Any) -> Eenheid:
    """A unit with no household-size limits unless stated; DAEB unless `label` says otherwise."""
    data: dict[str, Any] = {
        "rekenhuur": Decimal(str(rekenhuur)),
        "maatschappelijkLabel": {"code": label},
        "voorwaarden": {},
        "doelgroep": None,
        "criteria": [],
    }
    data.update(changes)
    base = factories.eenheid().model_dump(mode="json")
    merged = {**base, **data}
    return Eenheid.model_validate({k: v for k, v in merged.items() if v is not None})


def listing(eenheid: Eenheid, model: str = "AAN", **changes: Any) -> Publicatie:
    return factories.publicatie(model={"code": model}, eenheden=[eenheid.model_dump(mode="json")], **changes)
