"""The contract kit's hooks for the `vera` adapter, shipped with it: `woonbrug contract-test vera` needs no others.

The kit finds this module by convention (`<adapter package>.contract`), so a copy of this adapter package
under another name keeps its hooks. Every name here is a default for an argument of
`contract_tests.contract_test_class`; a caller's own argument wins.

- `config`: the settings the kit builds the adapter with; the API key is the one `simulator` expects.
- `fixtures_dir`: golden pairs, `<name>.vera.json` (a VERA WRV resource body) beside `<name>.canonical.json`.
- `simulator`: a local VERA WRV API. Half of VERA's message types change an existing record
  (PUT /aanbiedingen/{id}); `prepare` stores that record first, as the flow's earlier messages would have.
  `seed_pages` stores vacant units to be read over several pages (the kit's paging check).
- `roundtrip_fields`: an Inschrijving travels as VERA's Overeenkomsten-Inschrijving with the household as
  extra-attributen; a BSN never does (data minimisation: it is serialised only when asked for), so its
  round trip carries every field but the persons' bsn.
- `vera_schemas`: the VERA WRV schema each message type travels as, checked against the spec the
  caller gives (`--vera-spec`): the spec is not shipped, and without it the VERA checks fail naming it.

This module imports the adapter's own modules relatively and nothing of the kit: adapters never depend on
contract_tests.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from schemas import Message

from .. import mapping
from ..simulator import DEFAULT_API_KEY, VeraSimulator

__all__ = [
    "PreparedVeraSimulator",
    "config",
    "fixtures_dir",
    "roundtrip_fields",
    "simulator",
    "vendor_suffix",
    "vera_schemas",
]

config = {"api_key": DEFAULT_API_KEY}
fixtures_dir = Path(__file__).parent / "samples"
vendor_suffix = ".vera.json"

_PERSOON = ("voornaam", "tussenvoegsels", "achternaam", "geboortedatum", "geslacht", "contactgegevens")
_INSCHRIJVING_FIELDS = [
    "type",
    *(f"payload.{name}" for name in ("id", "code", "status", "begindatum", "einddatum", "aantalVolwassenen")),
    *(f"payload.{name}" for name in ("aantalKinderen", "inkomen", "woonsituatie", "gemeente", "voorrangsregelingen")),
    *(f"payload.{who}.{name}" for who in ("aanvrager", "medeaanvrager") for name in _PERSOON),
]
roundtrip_fields = {
    message_type: _INSCHRIJVING_FIELDS
    for message_type in ("inschrijving.geregistreerd", "inschrijving.gewijzigd", "inschrijving.beeindigd")
}


def vera_schemas(message_type: str) -> str:
    """The VERA WRV schema name a message of `message_type` travels as (e.g. Toewijzingen-Toewijzingbericht)."""
    return mapping.resource_for_type(message_type).vera_schema


class PreparedVeraSimulator(VeraSimulator):
    """The VERA simulator, holding beforehand the record an update message changes."""

    def prepare(self, message: Message) -> None:
        """Store the record an update message changes, so its write finds it (as in a real flow); clear the
        records a create makes."""
        resource = mapping.resource_for_type(message.type)
        body = mapping.encode(message).body
        records = body if isinstance(body, list) else [body]
        if message.type in resource.updates:
            self.preload(resource.name, records)
        else:
            # A create meets no record of an earlier kit test with the same id (the simulator lives for a
            # whole test class): the adapter would merge into it, and the kit checks the create's full body.
            self.forget(resource.name, [str(record["id"]) for record in records if record.get("id")])

    def seed_pages(self, count: int) -> dict[str, Any]:
        """Store `count` vacant units, to be read two to a page; the settings that poll them, and their ids."""
        sample = json.loads((fixtures_dir / "eenheid_vrijgekomen.vera.json").read_text(encoding="utf-8"))
        ids = [f"E-KIT-{number:03d}" for number in range(1, count + 1)]

        def unit(number: str) -> dict[str, Any]:
            extras = [
                {**extra, "waarde": f"msg-{number}"} if extra.get("naam") == "woonbrug.bericht.messageId" else extra
                for extra in sample.get("extra-attributen", [])
            ]
            return {**sample, "id": number, "extra-attributen": extras}

        self.preload("eenheden", [unit(number) for number in ids])
        return {"config": {"page_size": 2, "poll_resources": ["eenheden"]}, "keys": ids}


def simulator() -> PreparedVeraSimulator:
    """A fresh simulator for one kit test, with the API key `config` carries."""
    return PreparedVeraSimulator(api_key=DEFAULT_API_KEY)
