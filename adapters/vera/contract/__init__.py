"""The contract kit's hooks for the `vera` adapter, shipped with it: `woonbrug contract-test vera` needs no others.

The kit finds this module by convention (`<adapter package>.contract`), so a copy of this adapter package
under another name keeps its hooks. Every name here is a default for an argument of
`contract_tests.contract_test_class`; a caller's own argument wins.

- `config`: the settings the kit builds the adapter with; the API key is the one `simulator` expects.
- `fixtures_dir`: golden pairs, `<name>.vera.json` (a VERA WRV resource body) beside `<name>.canonical.json`.
- `simulator`: a local VERA WRV API. Half of VERA's message types change an existing record
  (PUT /aanbiedingen/{id}); `prepare` stores that record first, as the flow's earlier messages would have.
- `vera_schemas`: the VERA WRV schema each message type travels as, checked against the spec the
  caller gives (`--vera-spec`): the spec is not shipped, and without it the VERA checks fail naming it.

This module imports the adapter's own modules relatively and nothing of the kit: adapters never depend on
contract_tests.
"""

from __future__ import annotations

from pathlib import Path

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


def simulator() -> PreparedVeraSimulator:
    """A fresh simulator for one kit test, with the API key `config` carries."""
    return PreparedVeraSimulator(api_key=DEFAULT_API_KEY)
