"""Woonbrug's canonical model (v1): strict pydantic models named after VERA WRV, and the flow's messages.

Depends on pydantic only and does no I/O. Python attributes are snake_case; JSON uses VERA's camelCase.
"""

from schemas.aanbieding import Aanbieding
from schemas.base import CanonicalModel, Sleutel, VeraOverig
from schemas.eenheid import (
    Eenheid,
    Eenheidadres,
    Eenheidcriterium,
    EenheidVoorwaarden,
    Energieprestatie,
    Gemeente,
    Oppervlakte,
    Prijscomponent,
    Woonplaats,
)
from schemas.inschrijving import (
    INCLUDE_BSN,
    Contactgegeven,
    Inkomen,
    Inschrijving,
    NatuurlijkPersoon,
    Voorrangsregeling,
    Woonsituatie,
)
from schemas.kandidaat import Kandidaat, Kandidatenlijst, Rangschikkingscriterium
from schemas.messages import *  # noqa: F403 - the message module's __all__ is part of this package's API
from schemas.messages import __all__ as _message_names
from schemas.overeenkomst import Overeenkomst
from schemas.publicatie import Publicatie
from schemas.referentiedata import *  # noqa: F403 - every code list is public
from schemas.referentiedata import __all__ as _codelist_names
from schemas.sanctie import Reclamatie, Sanctie
from schemas.toewijzing import Toewijzing
from schemas.types import BSN, Bedrag, BedragMetTeken, Datum, Geboortedatum, PersonalData, Postcode, Tijdstip
from schemas.version import MODEL_MAJOR, SCHEMA_VERSION

__all__ = [
    "BSN",
    "INCLUDE_BSN",
    "MODEL_MAJOR",
    "SCHEMA_VERSION",
    "Aanbieding",
    "Bedrag",
    "BedragMetTeken",
    "CanonicalModel",
    "Contactgegeven",
    "Datum",
    "Eenheid",
    "EenheidVoorwaarden",
    "Eenheidadres",
    "Eenheidcriterium",
    "Energieprestatie",
    "Geboortedatum",
    "Gemeente",
    "Inkomen",
    "Inschrijving",
    "Kandidaat",
    "Kandidatenlijst",
    "NatuurlijkPersoon",
    "Oppervlakte",
    "Overeenkomst",
    "PersonalData",
    "Postcode",
    "Prijscomponent",
    "Publicatie",
    "Rangschikkingscriterium",
    "Reclamatie",
    "Sanctie",
    "Sleutel",
    "Tijdstip",
    "Toewijzing",
    "VeraOverig",
    "Voorrangsregeling",
    "Woonplaats",
    "Woonsituatie",
    *_message_names,
    *_codelist_names,
]
