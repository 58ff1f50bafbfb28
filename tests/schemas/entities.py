"""The entities under test: each one's golden file, VERA schemas and hypothesis strategy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from pydantic import BaseModel

from contract_tests import strategies
from schemas import (
    Aanbieding,
    Eenheid,
    Inschrijving,
    Kandidaat,
    Overeenkomst,
    Publicatie,
    Reclamatie,
    Sanctie,
    Toewijzing,
)

GOLDEN = Path(__file__).parent / "golden"

# Our entity -> its golden file and the VERA schemas its canonical JSON must satisfy.
ENTITIES: dict[str, tuple[type[BaseModel], str, tuple[str, ...]]] = {
    "Eenheid": (Eenheid, "eenheid.json", ("Publicaties-Eenheid", "Eenheden-Eenheid")),
    "Publicatie": (Publicatie, "publicatie.json", ("Publicaties-Publicatie",)),
    "Inschrijving": (Inschrijving, "inschrijving.json", ("Overeenkomsten-Inschrijving",)),
    "Kandidaat": (Kandidaat, "kandidaat.json", ("Kandidaten-Kandidaat",)),
    "Aanbieding": (Aanbieding, "aanbieding.json", ("Aanbiedingen-Aanbieding",)),
    "Toewijzing": (Toewijzing, "toewijzing.json", ("Toewijzingen-Toewijzing",)),
    "Overeenkomst": (Overeenkomst, "overeenkomst.json", ("Overeenkomsten-Overeenkomst",)),
    "Sanctie": (Sanctie, "sanctie.json", ("Sancties-Sanctie",)),
    "Reclamatie": (Reclamatie, "reclamatie.json", ("Reclamaties-Reclamatie",)),
}

STRATEGIES: dict[str, st.SearchStrategy[Any]] = {
    "Eenheid": strategies.eenheden(),
    "Publicatie": strategies.publicaties(),
    "Inschrijving": strategies.inschrijvingen(),
    "Kandidaat": strategies.kandidaten(),
    "Aanbieding": strategies.aanbiedingen(),
    "Toewijzing": strategies.toewijzingen(),
    "Overeenkomst": strategies.overeenkomsten(),
    "Sanctie": strategies.sancties(),
    "Reclamatie": strategies.reclamaties(),
}


def golden_text(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLDEN / ENTITIES[name][1]).read_text(encoding="utf-8"))
    return data


def golden(name: str) -> BaseModel:
    return ENTITIES[name][0].model_validate(golden_text(name))
