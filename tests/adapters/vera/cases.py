"""The golden cases of the VERA adapter: canonical messages built in code, one per VERA resource use.

Each `CASES` entry is a message with a fixed envelope; `golden/<case>.canonical.json` is its canonical
JSON and `golden/<case>.vera.json` the VERA body `encode` makes of it (both directions are tested).
`VENDOR_CASES` go one way only: `golden/<case>.vera.json` is a vendor's own VERA body, written by hand
(with attributes Woonbrug does not model and no Woonbrug envelope), and `<case>.canonical.json` is what
decoding it with `VENDOR_CONTEXT` gives.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adapters.vera.mapping import DecodeContext
from schemas import (
    AanbiedingGeweigerd,
    EenheidVrijgekomen,
    InschrijvingBeeindigd,
    InschrijvingGeregistreerd,
    InschrijvingGewijzigd,
    Kandidatenlijst,
    KandidatenlijstVrijgegeven,
    Message,
    MessageSource,
    Overeenkomst,
    OvereenkomstGetekend,
    PublicatieAangeboden,
    PublicatieIngetrokken,
    ReactieOntvangen,
    Reclamatie,
    ReclamatieIngediend,
    Sanctie,
    SanctieOpgelegd,
    ToewijzingGedaan,
    Vrijkomen,
)
from tests import factories as f

GOLDEN = Path(__file__).resolve().parent / "golden"

GATEWAY = MessageSource(tenant="region-arnhem-nijmegen", system="woonbrug")
CORPORATION = MessageSource(tenant="corp-a", system="vera")
OCCURRED = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)

VENDOR_CONTEXT = DecodeContext(source=CORPORATION, received_at=datetime(2026, 3, 2, 8, 30, tzinfo=UTC))


def _envelope(name: str, source: MessageSource = GATEWAY, causation: str | None = None) -> dict[str, Any]:
    return {
        "message_id": f"msg-{name}",
        "correlation_id": "flow-P-2001",
        "causation_id": causation,
        "source": source,
        "occurred_at": OCCURRED,
    }


def _ranked(index: int, criterium: str, waarde: str) -> dict[str, Any]:
    return f.kandidaat(
        id=f"K-400{index}",
        inschrijving={"id": f"I-300{index}"},
        status={"code": "SEL"},
        positie=index,
        rangschikking=[
            {"criterium": "voorrang", "waarde": "geen", "omschrijving": "Geen voorrang"},
            {"criterium": criterium, "waarde": waarde, "omschrijving": f"{criterium} {waarde}"},
        ],
        aantalVolwassenen=1,
        aantalKinderen=index - 1,
        passendheidsoort={"code": "PAS"},
    ).model_dump(mode="json")


def publicatie_aangeboden() -> Message:
    return PublicatieAangeboden(payload=f.publicatie(), **_envelope("publicatie-aangeboden"))


def publicatie_ingetrokken() -> Message:
    return PublicatieIngetrokken(
        # LEE (Leefstijl) stands under the factory's model AAN: VERA's SNE belongs under LOT only.
        payload=f.publicatie(status={"code": "ING"}, detailModel={"code": "LEE"}),
        **_envelope("publicatie-ingetrokken", causation="msg-publicatie-aangeboden"),
    )


def reactie_ontvangen() -> Message:
    return ReactieOntvangen(
        payload=f.kandidaat(aantalVolwassenen=2, aantalKinderen=1), **_envelope("reactie-ontvangen")
    )


def kandidatenlijst_vrijgegeven() -> Message:
    lijst = Kandidatenlijst.model_validate(
        {
            "publicatie": {"id": "P-2001"},
            "idOrganisatie": "corp-a",
            "vastgesteldOp": "2026-03-09T09:00:05Z",
            "lotingzaad": "9f2c" * 16,
            "kandidaten": [_ranked(1, "lotnummer", "17"), _ranked(2, "lotnummer", "42"), _ranked(3, "lotnummer", "88")],
        }
    )
    return KandidatenlijstVrijgegeven(payload=lijst, **_envelope("kandidatenlijst-vrijgegeven"))


def aanbieding_geweigerd() -> Message:
    return AanbiedingGeweigerd(
        payload=f.aanbieding(status={"code": "GEW"}, detailStatus={"code": "WBN", "naam": "bevalt niet"}),
        **_envelope("aanbieding-geweigerd", source=CORPORATION),
    )


def toewijzing_gedaan() -> Message:
    toewijzing = f.toewijzing(
        passendheidsoort={"code": "NIE"},
        passendheiddetailsoort={"code": "HHV"},
        doelgroep={"code": "GEZ"},
        voorrangsregelingen=[
            {
                "soort": {"code": "URG"},
                "detailSoort": {"code": "MED"},
                # No status: VERA's VOORRANGSREGELINGSTATUS begins 27-03-2026, after this message's date.
                "begindatum": "2025-11-01T00:00:00Z",
                "einddatum": "2026-05-01T00:00:00Z",
                "gemeente": f.GEMEENTE_NIJMEGEN,
            }
        ],
    )
    return ToewijzingGedaan(payload=toewijzing, **_envelope("toewijzing-gedaan"))


def overeenkomst_getekend() -> Message:
    overeenkomst = Overeenkomst.model_validate(
        {
            "id": "O-7001",
            "idOrganisatie": "corp-a",
            "soort": {"code": "HUU"},
            "status": {"code": "LOP"},
            "begindatum": "2026-04-01",
            "eenheid": {"id": "E-1001"},
            "toewijzing": {"id": "T-6001"},
            "inschrijving": {"id": "I-3001"},
            "huurprijs": 640.25,
        }
    )
    return OvereenkomstGetekend(payload=overeenkomst, **_envelope("overeenkomst-getekend", source=CORPORATION))


def eenheid_vrijgekomen() -> Message:
    vrijkomen = Vrijkomen.model_validate(
        {
            "eenheid": f.eenheid().model_dump(mode="json"),
            "beschikbaarPer": "2026-04-01",
            "gewenstModel": {"code": "LOT"},
        }
    )
    return EenheidVrijgekomen(payload=vrijkomen, **_envelope("eenheid-vrijgekomen", source=CORPORATION))


def sanctie_opgelegd() -> Message:
    sanctie = Sanctie.model_validate(
        {
            "id": "S-8001",
            "soort": {"code": "NOS"},
            "status": {"code": "DEF"},
            "omschrijving": "Niet verschenen bij bezichtiging",
            "begindatum": "2026-03-15",
            "einddatum": "2026-09-15",
            "inschrijving": {"id": "I-3001"},
        }
    )
    return SanctieOpgelegd(payload=sanctie, **_envelope("sanctie-opgelegd"))


def reclamatie_ingediend() -> Message:
    reclamatie = Reclamatie.model_validate(
        {
            "id": "R-9001",
            "soort": {"code": "BEZ"},
            "status": {"code": "ING"},
            "begindatum": "2026-03-20",
            "inschrijving": {"id": "I-3001"},
            "sanctie": {"id": "S-8001"},
        }
    )
    return ReclamatieIngediend(payload=reclamatie, **_envelope("reclamatie-ingediend"))


def inschrijving_geregistreerd() -> Message:
    # A portal's registration as VERA's Overeenkomsten-Inschrijving (soort INS); BSN never leaves unasked.
    return InschrijvingGeregistreerd(
        payload=f.inschrijving(aanvrager=f.persoon(bsn=None)), **_envelope("inschrijving-geregistreerd")
    )


def inschrijving_gewijzigd() -> Message:
    return InschrijvingGewijzigd(
        payload=f.inschrijving(aanvrager=f.persoon(bsn=None)), **_envelope("inschrijving-gewijzigd")
    )


def inschrijving_beeindigd() -> Message:
    return InschrijvingBeeindigd(
        payload=f.inschrijving(aanvrager=f.persoon(bsn=None), status={"code": "BEE"}, einddatum="2026-04-01"),
        **_envelope("inschrijving-beeindigd", causation="msg-overeenkomst-getekend"),
    )


CASES: dict[str, Callable[[], Message]] = {
    "publicatie_aangeboden": publicatie_aangeboden,
    "publicatie_ingetrokken": publicatie_ingetrokken,
    "reactie_ontvangen": reactie_ontvangen,
    "kandidatenlijst_vrijgegeven": kandidatenlijst_vrijgegeven,
    "aanbieding_geweigerd": aanbieding_geweigerd,
    "toewijzing_gedaan": toewijzing_gedaan,
    "overeenkomst_getekend": overeenkomst_getekend,
    "eenheid_vrijgekomen": eenheid_vrijgekomen,
    "sanctie_opgelegd": sanctie_opgelegd,
    "reclamatie_ingediend": reclamatie_ingediend,
    "inschrijving_geregistreerd": inschrijving_geregistreerd,
    "inschrijving_gewijzigd": inschrijving_gewijzigd,
    "inschrijving_beeindigd": inschrijving_beeindigd,
}

# Vendor bodies (hand-written .vera.json) and the resource they are read from.
VENDOR_CASES: dict[str, str] = {
    "vendor_publicatie": "publicaties",
    "vendor_aanbieding_geaccepteerd": "aanbiedingen",
}
