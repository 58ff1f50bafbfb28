"""The contract kit run on each reference adapter, one line each, as a vendor runs it on their own.

Golden files are the adapters' own (tests/adapters/*/golden, linked from tests/contract/fixtures).
Opt-outs carry the reason they are genuinely needed; VERA conformance uses the spec in ../shared/vera
(skipped with the reason when it is absent, which CI forbids: see `test_the_vera_spec_is_there`).
"""

from __future__ import annotations

from pathlib import Path

from contract_tests import contract_test_class
from tests.conftest import SHARED_VERA
from tests.contract.reference_hooks import (
    DropFolderSimulator,
    PreparedVeraSimulator,
    csv_format,
    drop_folder_config,
    vera_schema,
)

FIXTURES = Path(__file__).parent / "fixtures"
SOAP_GOLDEN = Path(__file__).parents[1] / "adapters" / "soap_erp" / "golden" / "decode"
VERA_SPEC = SHARED_VERA / "WRV-4.3.0.yaml"
VERA_KEY = "contract-kit-key"

# An Inschrijving travels as VERA's Overeenkomsten-Inschrijving with the household as extra-attributen; a
# BSN never does (data minimisation: it is serialised only when asked for, with INCLUDE_BSN), so the
# round trip carries every field but the persons' bsn.
_PERSOON = ("voornaam", "tussenvoegsels", "achternaam", "geboortedatum", "geslacht", "contactgegevens")
_INSCHRIJVING_FIELDS = [
    "type",
    *(f"payload.{name}" for name in ("id", "code", "status", "begindatum", "einddatum", "aantalVolwassenen")),
    *(f"payload.{name}" for name in ("aantalKinderen", "inkomen", "woonsituatie", "gemeente", "voorrangsregelingen")),
    *(f"payload.{who}.{name}" for who in ("aanvrager", "medeaanvrager") for name in _PERSOON),
]

TestVera = contract_test_class(
    "vera",
    config={"api_key": VERA_KEY},
    roundtrip_fields={
        message_type: _INSCHRIJVING_FIELDS
        for message_type in ("inschrijving.geregistreerd", "inschrijving.gewijzigd", "inschrijving.beeindigd")
    },
    fixtures_dir=FIXTURES / "vera",
    vera_schemas=vera_schema,
    simulator=lambda: PreparedVeraSimulator(api_key=VERA_KEY),
    vera_spec=VERA_SPEC if VERA_SPEC.is_file() else None,
)

TestSoapErp = contract_test_class("soap_erp", fixtures_dir=SOAP_GOLDEN)

# The csv adapter reads one import mapping per configuration, so each mapping is its own run. occurredAt is
# the file's time of arrival (its mtime), which a sample cannot determine.
TestCsvEenheden = contract_test_class(
    "csv",
    config={"tenant": "corp-a", "mapping": "eenheden"},
    fixtures_dir=FIXTURES / "csv_eenheden",
    simulator=DropFolderSimulator,
    endpoint_config=drop_folder_config,
    validate_vendor_payload=csv_format,
    golden_ignore=["occurredAt"],
)

TestCsvInschrijvingen = contract_test_class(
    "csv",
    config={"tenant": "corp-a", "mapping": "inschrijvingen"},
    fixtures_dir=FIXTURES / "csv_inschrijvingen",
    simulator=DropFolderSimulator,
    endpoint_config=drop_folder_config,
    validate_vendor_payload=csv_format,
    golden_ignore=["occurredAt"],
)


def test_the_vera_spec_is_there(vera_dir: Path) -> None:
    """VERA conformance above skips without the spec; on CI (CI=1) the `vera_dir` fixture fails instead."""
    assert (vera_dir / "WRV-4.3.0.yaml").is_file()
