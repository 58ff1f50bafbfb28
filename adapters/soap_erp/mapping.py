"""Pure translation between Woonstee ERP records and Woonbrug's canonical messages.

The ERP's records are flat (one element per field, see `wsdl/erp.xsd`); the decoder hands each record
over as a dict from element tag (Clark notation, `{urn:woonbrug:erp:v1}Kamers`) to its text. This module
turns such a dict into a canonical message dict and validates it with the canonical model once; it also
turns a canonical `Toewijzing` into the keyword arguments of the `PutToewijzing` operation.

Errors say which ERP element is wrong and never repeat its value (ERP data carries personal data):
`FieldError` for a text that is not of its XSD type, and `element_for(loc)` names the element behind a
canonical validation error.

What does not travel (the ERP has no place for it): `Sleutel.code` of the toewijzing's publicatie,
kandidaat and inschrijving, and a voorrangsregeling's status and gemeente.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Final, TypeVar

from schemas import (
    Doelgroep,
    EenheidCriteriumDetailSoort,
    EenheidCriteriumSoort,
    EenheidDetailSoort,
    EenheidSoort,
    EenheidVrijgekomen,
    Energielabel,
    MaatschappelijkLabel,
    OvereenkomstGetekend,
    OvereenkomstSoort,
    OvereenkomstStatus,
    PrijscomponentSoort,
    PublicatieModel,
    ToewijzingGedaan,
)
from schemas.codelist import Codelijst

__all__ = [
    "CONTRACT_ELEMENTS",
    "NS",
    "SYSTEM",
    "UNIT_ELEMENTS",
    "FieldError",
    "Texts",
    "contract_message",
    "element_for",
    "q",
    "toewijzing_request",
    "unit_message",
]

NS: Final = "urn:woonbrug:erp:v1"
SYSTEM: Final = "soap_erp"
"""`source.system` of every message this adapter decodes."""

# Woonbrug's namespace for ids derived from ERP keys: the same ERP event always gets the same message id,
# so the gateway's idempotent inbox drops a vacancy that both GetVacantUnits and GetChangesSince report.
_ID_NAMESPACE: Final = uuid.UUID("3b0d0f8e-5c1a-4e4b-8d53-2f7a9e61c0a4")
_ID_NAMESPACE_BYTES: Final = _ID_NAMESPACE.bytes

Texts = Mapping[str, str | None]
"""One ERP record: element tag (Clark notation) -> its text (None for an empty element)."""


def q(local: str) -> str:
    """The Clark-notation tag of an ERP element."""
    return f"{{{NS}}}{local}"


# Element order as the XSD sequences declare it (the simulator writes records in this order).
UNIT_ELEMENTS: Final = (
    "EenheidNummer",
    "CorporatieCode",
    "EenheidSoort",
    "DetailSoort",
    "Straat",
    "Huisnummer",
    "Huisletter",
    "Toevoeging",
    "Postcode",
    "Plaats",
    "WoonplaatsCode",
    "GemeenteCode",
    "GemeenteNaam",
    "Kamers",
    "Oppervlakte",
    "Verdieping",
    "Lift",
    "KaleHuur",
    "Servicekosten",
    "Rekenhuur",
    "Daeb",
    "Energielabel",
    "Doelgroep",
    "MinPersonen",
    "MaxPersonen",
    "MinLeeftijd",
    "MaxLeeftijd",
    "MinInkomen",
    "MaxInkomen",
    "Binding",
    "BeschikbaarPer",
    "Toewijzingsmodel",
    "VrijgemeldOp",
)
CONTRACT_ELEMENTS: Final = (
    "ContractNummer",
    "CorporatieCode",
    "EenheidNummer",
    "ToewijzingId",
    "ToewijzingReferentie",
    "InschrijvingNummer",
    "Status",
    "Ingangsdatum",
    "KaleHuur",
    "OndertekendOp",
    "CorrelatieId",
)


class _T:
    """Clark tags of the ERP's record elements, looked up once here instead of per field and record."""

    EenheidNummer: Final = q("EenheidNummer")
    CorporatieCode: Final = q("CorporatieCode")
    EenheidSoort: Final = q("EenheidSoort")
    DetailSoort: Final = q("DetailSoort")
    Straat: Final = q("Straat")
    Huisnummer: Final = q("Huisnummer")
    Huisletter: Final = q("Huisletter")
    Toevoeging: Final = q("Toevoeging")
    Postcode: Final = q("Postcode")
    Plaats: Final = q("Plaats")
    WoonplaatsCode: Final = q("WoonplaatsCode")
    GemeenteCode: Final = q("GemeenteCode")
    GemeenteNaam: Final = q("GemeenteNaam")
    Kamers: Final = q("Kamers")
    Oppervlakte: Final = q("Oppervlakte")
    Verdieping: Final = q("Verdieping")
    Lift: Final = q("Lift")
    KaleHuur: Final = q("KaleHuur")
    Servicekosten: Final = q("Servicekosten")
    Rekenhuur: Final = q("Rekenhuur")
    Daeb: Final = q("Daeb")
    Energielabel: Final = q("Energielabel")
    Doelgroep: Final = q("Doelgroep")
    MinPersonen: Final = q("MinPersonen")
    MaxPersonen: Final = q("MaxPersonen")
    MinLeeftijd: Final = q("MinLeeftijd")
    MaxLeeftijd: Final = q("MaxLeeftijd")
    MinInkomen: Final = q("MinInkomen")
    MaxInkomen: Final = q("MaxInkomen")
    Binding: Final = q("Binding")
    BeschikbaarPer: Final = q("BeschikbaarPer")
    Toewijzingsmodel: Final = q("Toewijzingsmodel")
    VrijgemeldOp: Final = q("VrijgemeldOp")
    ContractNummer: Final = q("ContractNummer")
    ToewijzingId: Final = q("ToewijzingId")
    ToewijzingReferentie: Final = q("ToewijzingReferentie")
    InschrijvingNummer: Final = q("InschrijvingNummer")
    Status: Final = q("Status")
    Ingangsdatum: Final = q("Ingangsdatum")
    OndertekendOp: Final = q("OndertekendOp")
    CorrelatieId: Final = q("CorrelatieId")


class FieldError(ValueError):
    """An ERP element whose text is missing or not of its XSD type. `element` is its local name."""

    def __init__(self, element: str, reason: str) -> None:
        super().__init__(f"{element}: {reason}")
        self.element = element
        self.reason = reason


# --- XSD lexical types --------------------------------------------------------------------------------
# These run once per field of every unit of every page, so each takes the cheapest check that still
# refuses what XSD refuses and Python would accept: int() takes "1_000" and "٣", float() takes "nan",
# and a date of digits only would reach pydantic as a Unix timestamp.

_SIGNED_INT = re.compile(r"[+-][0-9]{1,9}")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]{1,15}(?:\.[0-9]*)?|\.[0-9]+)")
_BOOLEANS: Final = {"true": True, "1": True, "false": False, "0": False}
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND: Final = timedelta(microseconds=1)


def _required(text: str | None, local: str) -> str:
    if text is not None and (text := text.strip()):
        return text
    raise FieldError(local, "required element is missing or empty")


def _int(local: str, text: str) -> int:
    if (text.isdigit() and text.isascii() and len(text) <= 9) or _SIGNED_INT.fullmatch(text) is not None:
        return int(text)
    raise FieldError(local, "is not a whole number (xs:int)")


def _decimal(local: str, text: str) -> Decimal:
    if _DECIMAL.fullmatch(text) is None:
        raise FieldError(local, "is not a decimal number (xs:decimal)")
    return Decimal(text)


# An amount is read as any xs:decimal; the canonical `Bedrag` checks cents and sign.
_amount = _decimal


def _bool(local: str, text: str) -> bool:
    value = _BOOLEANS.get(text)
    if value is None:
        raise FieldError(local, "is not a boolean (xs:boolean: true, false, 1 or 0)")
    return value


def _date(local: str, text: str) -> str:
    """A date's text, checked to be YYYY-MM-DD in shape; the canonical `Datum` parses it."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit():
        return text
    raise FieldError(local, "is not a date (xs:date, YYYY-MM-DD)")


def _datetime(local: str, text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise FieldError(local, "is not a moment with a time zone (xs:dateTime, e.g. 2026-01-05T09:00:00Z)")
    return moment


_C = TypeVar("_C", bound=Codelijst)


def _code(local: str, text: str, codelist: type[_C]) -> _C:
    # Resolving the member here (not in the model) lets the error name the ERP element.
    member = codelist._value2member_map_.get(text)
    if member is None:
        allowed = ", ".join(m.code for m in codelist)
        raise FieldError(local, f"is not a {codelist.soort} code; allowed: {allowed}")
    return member  # type: ignore[return-value]  # _value2member_map_ holds members of `codelist`


# The ERP prints energy labels as on the certificate (A++); VERA codes them (APP). Both are accepted.
_ENERGIELABELS: Final[dict[str, Energielabel]] = {
    **{member.naam: member for member in Energielabel},
    **{member.code: member for member in Energielabel},
}


def _energielabel(text: str) -> Energielabel:
    member = _ENERGIELABELS.get(text)
    if member is None:
        raise FieldError("Energielabel", "is not an energy label (A++++ .. G)")
    return member


def _gemeente_code(text: str) -> str:
    # The ERP stores the CBS number ("0268"); VERA writes it with its prefix ("GM0268").
    return text if text.startswith("GM") else "GM" + text


_VARIANT: Final = {c: "89ab"[int(c, 16) & 0x3] for c in "0123456789abcdef"}


def _derived_id(*parts: str) -> str:
    """uuid5 of the parts in Woonbrug's namespace, formatted without building a UUID object (hot path)."""
    h = hashlib.sha1(_ID_NAMESPACE_BYTES + "|".join(parts).encode(), usedforsecurity=False).hexdigest()
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


def _moment_key(moment: datetime) -> str:
    # Microseconds since the epoch: one key per moment, however the ERP spelled its offset.
    return str((moment - _EPOCH) // _MICROSECOND)


# --- ERP -> canonical ---------------------------------------------------------------------------------

# The models' own validators, called directly: `model_validate` adds a Python frame per record, and this
# runs once per unit of every page. Validation is the same, complete validation.
_validate_unit: Callable[[dict[str, Any]], EenheidVrijgekomen] = (
    EenheidVrijgekomen.__pydantic_validator__.validate_python
)
_validate_contract: Callable[[dict[str, Any]], OvereenkomstGetekend] = (
    OvereenkomstGetekend.__pydantic_validator__.validate_python
)


def unit_message(texts: Texts) -> EenheidVrijgekomen:
    """A `VrijeEenheid` record as an `eenheid.vrijgekomen` message.

    Raises `FieldError` for a text that is not of its type and `pydantic.ValidationError` for values the
    canonical model refuses (use `element_for` to name the element). Written flat, with walrus checks for
    the optional elements, because it runs once per unit: every call saved here is a call per unit.
    """
    get = texts.get
    number = _required(get(_T.EenheidNummer), "EenheidNummer")
    corporatie = _required(get(_T.CorporatieCode), "CorporatieCode")
    vrijgemeld = _datetime("VrijgemeldOp", _required(get(_T.VrijgemeldOp), "VrijgemeldOp"))

    prijscomponenten: list[dict[str, Any]] = [
        {"soort": _NET, "bedrag": _amount("KaleHuur", _required(get(_T.KaleHuur), "KaleHuur"))}
    ]
    if (text := get(_T.Servicekosten)) and (text := text.strip()):
        prijscomponenten.append({"soort": _SER, "bedrag": _amount("Servicekosten", text)})

    woonplaats: dict[str, Any] = {"naam": _required(get(_T.Plaats), "Plaats")}
    if (text := get(_T.WoonplaatsCode)) and (text := text.strip()):
        woonplaats["code"] = text
    adres: dict[str, Any] = {
        "straatnaam": _required(get(_T.Straat), "Straat"),
        "huisnummer": _required(get(_T.Huisnummer), "Huisnummer"),
        "postcode": _required(get(_T.Postcode), "Postcode"),
        "woonplaats": woonplaats,
        "gemeente": {
            "code": _gemeente_code(_required(get(_T.GemeenteCode), "GemeenteCode")),
            "naam": _required(get(_T.GemeenteNaam), "GemeenteNaam"),
        },
    }
    if (text := get(_T.Huisletter)) and (text := text.strip()):
        adres["huisletter"] = text
    if (text := get(_T.Toevoeging)) and (text := text.strip()):
        adres["huisnummerToevoeging"] = text

    eenheid: dict[str, Any] = {
        "id": number,
        "idOrganisatie": corporatie,
        "soort": _code("EenheidSoort", _required(get(_T.EenheidSoort), "EenheidSoort"), EenheidSoort),
        "adres": adres,
        "kamersAantal": _int("Kamers", _required(get(_T.Kamers), "Kamers")),
        "prijscomponenten": prijscomponenten,
        "rekenhuur": _amount("Rekenhuur", _required(get(_T.Rekenhuur), "Rekenhuur")),
        "maatschappelijkLabel": _DAE if _bool("Daeb", _required(get(_T.Daeb), "Daeb")) else _NDA,
    }
    if (text := get(_T.DetailSoort)) and (text := text.strip()):
        eenheid["detailSoort"] = _code("DetailSoort", text, EenheidDetailSoort)
    if (text := get(_T.Oppervlakte)) and (text := text.strip()):
        eenheid["totaleOppervlakte"] = float(_decimal("Oppervlakte", text))
    if (text := get(_T.Verdieping)) and (text := text.strip()):
        eenheid["etage"] = _int("Verdieping", text)
    if (text := get(_T.Lift)) and (text := text.strip()):
        eenheid["lift"] = _bool("Lift", text)
    if (text := get(_T.Energielabel)) and (text := text.strip()):
        eenheid["energieprestaties"] = [{"label": _energielabel(text)}]
    if (text := get(_T.Doelgroep)) and (text := text.strip()):
        eenheid["doelgroep"] = _code("Doelgroep", text, Doelgroep)
    if (text := get(_T.Binding)) and (text := text.strip()):
        eenheid["criteria"] = [{"soort": _BIN, "detailsoort": _code("Binding", text, EenheidCriteriumDetailSoort)}]

    voorwaarden: dict[str, Any] = {}
    if (text := get(_T.MinPersonen)) and (text := text.strip()):
        voorwaarden["minimumAantalPersonen"] = _int("MinPersonen", text)
    if (text := get(_T.MaxPersonen)) and (text := text.strip()):
        voorwaarden["maximumAantalPersonen"] = _int("MaxPersonen", text)
    if (text := get(_T.MinLeeftijd)) and (text := text.strip()):
        voorwaarden["minimumleeftijd"] = _int("MinLeeftijd", text)
    if (text := get(_T.MaxLeeftijd)) and (text := text.strip()):
        voorwaarden["maximumleeftijd"] = _int("MaxLeeftijd", text)
    if (text := get(_T.MinInkomen)) and (text := text.strip()):
        voorwaarden["minimuminkomen"] = _amount("MinInkomen", text)
    if (text := get(_T.MaxInkomen)) and (text := text.strip()):
        voorwaarden["maximuminkomen"] = _amount("MaxInkomen", text)
    if voorwaarden:
        eenheid["voorwaarden"] = voorwaarden

    vrijkomen: dict[str, Any] = {
        "eenheid": eenheid,
        "beschikbaarPer": _date("BeschikbaarPer", _required(get(_T.BeschikbaarPer), "BeschikbaarPer")),
    }
    if (text := get(_T.Toewijzingsmodel)) and (text := text.strip()):
        vrijkomen["gewenstModel"] = _code("Toewijzingsmodel", text, PublicatieModel)

    # The vacancy is identified by the unit and the moment it was reported.
    message_id = _derived_id("eenheid.vrijgekomen", corporatie, number, _moment_key(vrijgemeld))
    return _validate_unit(
        {
            "messageId": message_id,
            "correlationId": message_id,  # a vacancy starts a flow of its own
            "source": {"tenant": corporatie, "system": SYSTEM},
            "occurredAt": vrijgemeld,
            "payload": vrijkomen,
        }
    )


_NET: Final = PrijscomponentSoort.NET
_SER: Final = PrijscomponentSoort.SER
_BIN: Final = EenheidCriteriumSoort.BIN
_DAE: Final = MaatschappelijkLabel.DAE
_NDA: Final = MaatschappelijkLabel.NDA


def contract_message(texts: Texts) -> OvereenkomstGetekend:
    """A `Huurcontract` record as an `overeenkomst.getekend` message.

    The ERP echoes the `CorrelatieId` that PutToewijzing sent, which puts the lease in the flow of its
    allocation; a lease the gateway did not allocate starts a flow of its own.
    """
    get = texts.get
    number = _required(get(_T.ContractNummer), "ContractNummer")
    corporatie = _required(get(_T.CorporatieCode), "CorporatieCode")
    message_id = _derived_id("overeenkomst.getekend", corporatie, number)
    correlation = text.strip() if (text := get(_T.CorrelatieId)) else None
    return _validate_contract(
        {
            "messageId": message_id,
            "correlationId": correlation or message_id,
            "source": {"tenant": corporatie, "system": SYSTEM},
            "occurredAt": _datetime("OndertekendOp", _required(get(_T.OndertekendOp), "OndertekendOp")),
            "payload": {
                "id": number,
                "idOrganisatie": corporatie,
                "soort": OvereenkomstSoort.HUU,
                "status": _code("Status", _required(get(_T.Status), "Status"), OvereenkomstStatus),
                "begindatum": _date("Ingangsdatum", _required(get(_T.Ingangsdatum), "Ingangsdatum")),
                "eenheid": {"id": _required(get(_T.EenheidNummer), "EenheidNummer")},
                "toewijzing": {
                    "id": _required(get(_T.ToewijzingId), "ToewijzingId"),
                    "code": _required(get(_T.ToewijzingReferentie), "ToewijzingReferentie"),
                },
                "inschrijving": {"id": _required(get(_T.InschrijvingNummer), "InschrijvingNummer")},
                "huurprijs": _amount("KaleHuur", _required(get(_T.KaleHuur), "KaleHuur")),
            },
        }
    )


# Canonical field path (pydantic `loc`, aliases, joined by ".") -> the ERP element it came from.
_UNIT_ELEMENTS_BY_PATH: Final = {
    "messageId": "VrijgemeldOp",
    "correlationId": "VrijgemeldOp",
    "occurredAt": "VrijgemeldOp",
    "source": "CorporatieCode",
    "payload.beschikbaarPer": "BeschikbaarPer",
    "payload.gewenstModel": "Toewijzingsmodel",
    "payload.eenheid.id": "EenheidNummer",
    "payload.eenheid.idOrganisatie": "CorporatieCode",
    "payload.eenheid.soort": "EenheidSoort",
    "payload.eenheid.detailSoort": "DetailSoort",
    "payload.eenheid.adres.straatnaam": "Straat",
    "payload.eenheid.adres.huisnummer": "Huisnummer",
    "payload.eenheid.adres.huisletter": "Huisletter",
    "payload.eenheid.adres.huisnummerToevoeging": "Toevoeging",
    "payload.eenheid.adres.postcode": "Postcode",
    "payload.eenheid.adres.woonplaats.naam": "Plaats",
    "payload.eenheid.adres.woonplaats.code": "WoonplaatsCode",
    "payload.eenheid.adres.gemeente.code": "GemeenteCode",
    "payload.eenheid.adres.gemeente.naam": "GemeenteNaam",
    "payload.eenheid.kamersAantal": "Kamers",
    "payload.eenheid.totaleOppervlakte": "Oppervlakte",
    "payload.eenheid.etage": "Verdieping",
    "payload.eenheid.lift": "Lift",
    "payload.eenheid.prijscomponenten.0": "KaleHuur",
    "payload.eenheid.prijscomponenten.1": "Servicekosten",
    "payload.eenheid.rekenhuur": "Rekenhuur",
    "payload.eenheid.maatschappelijkLabel": "Daeb",
    "payload.eenheid.energieprestaties": "Energielabel",
    "payload.eenheid.doelgroep": "Doelgroep",
    "payload.eenheid.criteria": "Binding",
    "payload.eenheid.voorwaarden.minimumAantalPersonen": "MinPersonen",
    "payload.eenheid.voorwaarden.maximumAantalPersonen": "MaxPersonen",
    "payload.eenheid.voorwaarden.minimumleeftijd": "MinLeeftijd",
    "payload.eenheid.voorwaarden.maximumleeftijd": "MaxLeeftijd",
    "payload.eenheid.voorwaarden.minimuminkomen": "MinInkomen",
    "payload.eenheid.voorwaarden.maximuminkomen": "MaxInkomen",
    # A range check of the whole voorwaarden object (minimum above maximum) that names no field.
    "payload.eenheid.voorwaarden": "MinPersonen",
}
_CONTRACT_ELEMENTS_BY_PATH: Final = {
    "correlationId": "CorrelatieId",
    "occurredAt": "OndertekendOp",
    "source": "CorporatieCode",
    "payload.id": "ContractNummer",
    "payload.idOrganisatie": "CorporatieCode",
    "payload.status": "Status",
    "payload.begindatum": "Ingangsdatum",
    "payload.eenheid": "EenheidNummer",
    "payload.toewijzing.id": "ToewijzingId",
    "payload.toewijzing.code": "ToewijzingReferentie",
    "payload.inschrijving": "InschrijvingNummer",
    "payload.huurprijs": "KaleHuur",
}
_ELEMENTS_BY_RECORD: Final = {"VrijeEenheid": _UNIT_ELEMENTS_BY_PATH, "Huurcontract": _CONTRACT_ELEMENTS_BY_PATH}


def element_for(record: str, loc: tuple[int | str, ...]) -> str | None:
    """The ERP element behind a canonical validation error at `loc` in a `record` ("VrijeEenheid")."""
    table = _ELEMENTS_BY_RECORD[record]
    parts = [str(part) for part in loc]
    while parts:
        element = table.get(".".join(parts))
        if element is not None:
            return element
        parts.pop()
    return None


# --- canonical -> ERP ---------------------------------------------------------------------------------


def _utc_text(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def toewijzing_request(message: ToewijzingGedaan) -> dict[str, Any]:
    """The keyword arguments of `PutToewijzing` for a `toewijzing.gedaan` message (zeep serialises them).

    `CorrelatieId` carries the flow's correlation id; the ERP echoes it on the lease it signs.
    """
    t = message.payload
    toewijzing: dict[str, Any] = {
        "ToewijzingId": t.id,
        "CorporatieCode": t.id_organisatie,
        "EenheidNummer": t.eenheid.id,
        "PublicatieId": t.publicatie.id,
        "KandidaatId": t.kandidaat.id,
        "InschrijvingNummer": t.inschrijving.id,
        "Toewijzingsdatum": _utc_text(t.datum),
        "Huishoudgrootte": t.huishoudgrootte,
        "Rekeninkomen": t.rekeninkomen,
        "Rekenhuur": t.rekenhuur,
        "Ouderenhuishouden": t.is_ouderenhuishouden,
        "Passendheid": t.passendheidsoort.code,
        "PassendheidUitzondering": t.passendheiddetailsoort.code if t.passendheiddetailsoort else None,
        "Doelgroep": t.doelgroep.code if t.doelgroep else None,
        "AanvullendeDoelgroep": t.aanvullende_doelgroep.code if t.aanvullende_doelgroep else None,
        "Voorrang": [
            {
                "Soort": regeling.soort.code,
                "DetailSoort": regeling.detail_soort.code if regeling.detail_soort else None,
                "Begindatum": _utc_text(regeling.begindatum),
                "Einddatum": _utc_text(regeling.einddatum) if regeling.einddatum else None,
            }
            for regeling in t.voorrangsregelingen
        ],
        "CorrelatieId": message.correlation_id,
    }
    return {"Toewijzing": toewijzing}
