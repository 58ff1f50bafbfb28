"""Valid canonical objects for tests, built in code so every test states only what it changes.

Every personal value here is fictional; the BSNs pass the 11-check but belong to no one known.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from schemas import (
    AanbiedingStatus,
    Eenheid,
    EenheidSoort,
    InkomensBron,
    Inschrijving,
    KandidaatStatus,
    MaatschappelijkLabel,
    MessageSource,
    OvereenkomstStatus,
    PrijscomponentSoort,
    Publicatie,
    PublicatieModel,
    PublicatieStatus,
    WoonsituatieSoort,
)
from schemas.aanbieding import Aanbieding
from schemas.kandidaat import Kandidaat
from schemas.toewijzing import Toewijzing

# Fictional people; tests scan outputs for exactly these values.
BSN_VALID = "111222333"
VOORNAAM = "Fenna"
ACHTERNAAM = "Zwanenburg-Testpersoon"
GEBOORTEDATUM = date(1987, 3, 14)
EMAIL = "fenna.testpersoon@example.org"

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

GEMEENTE_NIJMEGEN = {"code": "GM0268", "naam": "Nijmegen"}
GEMEENTE_ARNHEM = {"code": "GM0202", "naam": "Arnhem"}


def eenheid(**changes: Any) -> Eenheid:
    data: dict[str, Any] = {
        "id": "E-1001",
        "idOrganisatie": "corp-a",
        "soort": {"code": "WOO", "naam": "Woonruimte"},
        "adres": {
            "straatnaam": "Molenstraat",
            "huisnummer": "12",
            "huisletter": "a",
            "postcode": "6511ab",
            "woonplaats": {"naam": "Nijmegen"},
            "gemeente": GEMEENTE_NIJMEGEN,
        },
        "kamersAantal": 3,
        "totaleOppervlakte": 68.5,
        "etage": 2,
        "lift": True,
        "energieprestaties": [{"label": {"code": "B"}}],
        "prijscomponenten": [
            {"soort": {"code": "NET"}, "bedrag": 640.25},
            {"soort": {"code": "SER"}, "bedrag": 35.0},
        ],
        "rekenhuur": 675.25,
        "maatschappelijkLabel": {"code": "DAE"},
        "doelgroep": {"code": "GEZ"},
        "voorwaarden": {"minimumAantalPersonen": 1, "maximumAantalPersonen": 4},
        "criteria": [{"soort": {"code": "BIN"}, "detailsoort": {"code": "REG"}}],
    }
    data.update(changes)
    return Eenheid.model_validate(data)


def publicatie(**changes: Any) -> Publicatie:
    data: dict[str, Any] = {
        "id": "P-2001",
        "idOrganisatie": "corp-a",
        "status": {"code": "GEP"},
        "model": {"code": "AAN"},
        "begindatum": "2026-03-02T09:00:00Z",
        "einddatum": "2026-03-09T09:00:00Z",
        "eenheden": [eenheid().model_dump(mode="json")],
    }
    data.update(changes)
    return Publicatie.model_validate(data)


def persoon(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "voornaam": VOORNAAM,
        "achternaam": ACHTERNAAM,
        "geboortedatum": GEBOORTEDATUM.isoformat(),
        "bsn": BSN_VALID,
        "contactgegevens": [{"soort": {"code": "EMA"}, "waarde": EMAIL}],
    }
    data.update(changes)
    return data


def inschrijving(**changes: Any) -> Inschrijving:
    data: dict[str, Any] = {
        "id": "I-3001",
        "status": {"code": "LOP"},
        "begindatum": "2019-05-01",
        "aanvrager": persoon(),
        "aantalVolwassenen": 1,
        "aantalKinderen": 1,
        "inkomen": {"bedrag": 31000.0, "jaar": 2025, "bron": {"code": "ARB"}},
        "woonsituatie": {"soort": {"code": "STA"}},
        "gemeente": GEMEENTE_NIJMEGEN,
        "voorrangsregelingen": [],
    }
    data.update(changes)
    return Inschrijving.model_validate(data)


def kandidaat(**changes: Any) -> Kandidaat:
    data: dict[str, Any] = {
        "id": "K-4001",
        "publicatie": {"id": "P-2001"},
        "inschrijving": {"id": "I-3001"},
        "status": {"code": "REA"},
        "reactiedatum": "2026-03-03T10:15:00Z",
    }
    data.update(changes)
    return Kandidaat.model_validate(data)


def aanbieding(**changes: Any) -> Aanbieding:
    data: dict[str, Any] = {
        "id": "A-5001",
        "publicatie": {"id": "P-2001"},
        "kandidaat": {"id": "K-4001"},
        "inschrijving": {"id": "I-3001"},
        "status": {"code": "AAN"},
        "aangebodenOp": "2026-03-10T09:00:00Z",
        "reagerenVoor": "2026-03-13T09:00:00Z",
    }
    data.update(changes)
    return Aanbieding.model_validate(data)


def toewijzing(**changes: Any) -> Toewijzing:
    data: dict[str, Any] = {
        "id": "T-6001",
        "idOrganisatie": "corp-a",
        "datum": "2026-03-14T12:00:00Z",
        "publicatie": {"id": "P-2001"},
        "eenheid": {"id": "E-1001"},
        "kandidaat": {"id": "K-4001"},
        "inschrijving": {"id": "I-3001"},
        "huishoudgrootte": 2,
        "rekeninkomen": 31000.0,
        "rekenhuur": 675.25,
        "isOuderenhuishouden": False,
        "passendheidsoort": {"code": "PAS"},
    }
    data.update(changes)
    return Toewijzing.model_validate(data)


SOURCE = MessageSource(tenant="corp-a", system="test")

# Re-exported for tests that need the enum members directly.
__all__ = [
    "T0",
    "AanbiedingStatus",
    "Decimal",
    "EenheidSoort",
    "InkomensBron",
    "KandidaatStatus",
    "MaatschappelijkLabel",
    "OvereenkomstStatus",
    "PrijscomponentSoort",
    "PublicatieModel",
    "PublicatieStatus",
    "WoonsituatieSoort",
    "timedelta",
]
