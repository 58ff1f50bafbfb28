"""The contract kit's hooks for the `vera` adapter, shipped with it: `woonbrug contract-test vera` needs no others.

The kit finds this module by convention (`<adapter package>.contract`), so a copy of this adapter package
under another name keeps its hooks. Every name here is a default for an argument of
`contract_tests.contract_test_class`; a caller's own argument wins.

- `config`: the settings the kit builds the adapter with; the API key is the one `simulator` expects.
- `fixtures_dir`: golden pairs, `<name>.vera.json` (a VERA WRV resource body) beside `<name>.canonical.json`.
- `simulator`: a local VERA WRV API. Half of VERA's message types change an existing record
  (PUT /aanbiedingen/{id}); `prepare` stores that record first, as the flow's earlier messages would have.
  `seed_pages` stores vacant units to be read over several pages (the kit's paging check).
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

__all__ = ["PreparedVeraSimulator", "config", "fixtures_dir", "simulator", "vendor_suffix", "vera_schemas"]

config = {"api_key": DEFAULT_API_KEY}
fixtures_dir = Path(__file__).parent / "samples"
vendor_suffix = ".vera.json"


def vera_schemas(message_type: str) -> str:
    """The VERA WRV schema name a message of `message_type` travels as (e.g. Toewijzingen-Toewijzingbericht)."""
    return mapping.resource_for_type(message_type).vera_schema


class PreparedVeraSimulator(VeraSimulator):
    """The VERA simulator, holding beforehand the record an update message changes."""

    def prepare(self, message: Message) -> None:
        """Store the record an update message changes, so its PUT finds it (as in a real flow)."""
        resource = mapping.resource_for_type(message.type)
        if message.type in resource.updates:
            body = mapping.encode(message).body
            self.preload(resource.name, body if isinstance(body, list) else [body])

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
