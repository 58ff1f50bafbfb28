"""Field mapping between a canonical `toewijzing.gedaan` and the Skeleton system's flat allocation record.

Pure functions, no I/O: `to_record` writes the record the vendor format carries (every value as text),
`from_record` reads one back. Reading never echoes a value in an error (vendor data holds personal
data such as the household income): errors name the vendor field and the rule it breaks.

`ROUNDTRIP_FIELDS` is the honest list of canonical fields this record carries; the contract kit checks
that each survives canonical -> vendor -> canonical. Sleutel codes, the aanvullende doelgroep and the
voorrangsregelingen have no place in the record, so they are not listed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import pydantic

from adapters import Location, MappingError
from schemas import MessageSource, ToewijzingGedaan

__all__ = ["FIELDS", "REQUIRED", "ROUNDTRIP_FIELDS", "from_record", "to_record"]

# Vendor field -> the canonical JSON path it carries.
FIELDS: dict[str, str] = {
    "messageId": "messageId",
    "correlationId": "correlationId",
    "sentAt": "occurredAt",
    "allocationId": "payload.id",
    "corporation": "payload.idOrganisatie",
    "allocatedAt": "payload.datum",
    "listing": "payload.publicatie.id",
    "unit": "payload.eenheid.id",
    "candidate": "payload.kandidaat.id",
    "registration": "payload.inschrijving.id",
    "householdSize": "payload.huishoudgrootte",
    "householdIncome": "payload.rekeninkomen",
    "rent": "payload.rekenhuur",
    "senior": "payload.isOuderenhuishouden",
    "suitability": "payload.passendheidsoort",
    "exception": "payload.passendheiddetailsoort",
    "targetGroup": "payload.doelgroep",
}
OPTIONAL = frozenset({"exception", "targetGroup"})
REQUIRED = tuple(name for name in FIELDS if name not in OPTIONAL)

ROUNDTRIP_FIELDS: dict[str, list[str]] = {"toewijzing.gedaan": ["type", *FIELDS.values()]}
"""What survives a round trip, as the contract kit reads it."""

_BY_PATH = {path: name for name, path in FIELDS.items()}
_AMOUNT = re.compile(r"^[0-9]{1,9}\.[0-9]{2}$")


def _utc(value: Any) -> str:
    return str(value.isoformat()).replace("+00:00", "Z")


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def to_record(message: ToewijzingGedaan) -> dict[str, str | None]:
    """The flat record for one allocation; every value is text, absent optional values are None."""
    t = message.payload
    return {
        "messageId": message.message_id,
        "correlationId": message.correlation_id,
        "sentAt": _utc(message.occurred_at),
        "allocationId": t.id,
        "corporation": t.id_organisatie,
        "allocatedAt": _utc(t.datum),
        "listing": t.publicatie.id,
        "unit": t.eenheid.id,
        "candidate": t.kandidaat.id,
        "registration": t.inschrijving.id,
        "householdSize": str(t.huishoudgrootte),
        "householdIncome": _amount(t.rekeninkomen),
        "rent": _amount(t.rekenhuur),
        "senior": "true" if t.is_ouderenhuishouden else "false",
        "suitability": t.passendheidsoort.code,
        "exception": t.passendheiddetailsoort.code if t.passendheiddetailsoort else None,
        "targetGroup": t.doelgroep.code if t.doelgroep else None,
    }


def from_record(
    record: Mapping[str, str | None], *, source: MessageSource, where: Callable[[str], Location]
) -> ToewijzingGedaan:
    """The canonical message for one record; a MappingError located by `where(vendor field)` if it is bad."""
    for name in REQUIRED:
        if not record.get(name):
            raise MappingError(f"{name} is missing", location=where(name))

    def text(name: str) -> str:
        return str(record[name])

    def integer(name: str) -> int:
        if not text(name).isdigit():
            raise MappingError(f"{name} must be a whole number", location=where(name))
        return int(text(name))

    def flag(name: str) -> bool:
        if text(name) not in ("true", "false"):
            raise MappingError(f"{name} must be true or false", location=where(name))
        return text(name) == "true"

    def amount(name: str) -> Decimal:
        if not _AMOUNT.fullmatch(text(name)):
            raise MappingError(f"{name} must be an amount in euros like 675.25", location=where(name))
        return Decimal(text(name))

    def code(name: str) -> dict[str, str] | None:
        value = record.get(name)
        return {"code": value} if value else None

    data = {
        "messageId": text("messageId"),
        "correlationId": text("correlationId"),
        "occurredAt": text("sentAt"),
        "source": source,
        "payload": {
            "id": text("allocationId"),
            "idOrganisatie": text("corporation"),
            "datum": text("allocatedAt"),
            "publicatie": {"id": text("listing")},
            "eenheid": {"id": text("unit")},
            "kandidaat": {"id": text("candidate")},
            "inschrijving": {"id": text("registration")},
            "huishoudgrootte": integer("householdSize"),
            "rekeninkomen": amount("householdIncome"),
            "rekenhuur": amount("rent"),
            "isOuderenhuishouden": flag("senior"),
            "passendheidsoort": code("suitability"),
            "passendheiddetailsoort": code("exception"),
            "doelgroep": code("targetGroup"),
        },
    }
    try:
        return ToewijzingGedaan.model_validate(data)
    except pydantic.ValidationError as error:
        # The model hides inputs in its errors; name the vendor field the first problem is in.
        first = error.errors(include_input=False, include_url=False)[0]
        path = ".".join(str(part) for part in first["loc"])
        field = next((name for p, name in _BY_PATH.items() if path == p or path.startswith(p + ".")), path)
        raise MappingError(str(first["msg"]), location=where(field)) from None
