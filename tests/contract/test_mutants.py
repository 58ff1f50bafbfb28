"""The kit's self-test: each broken variant of a shipped adapter (tests/contract/mutants.py) must fail the
kit, in the test that checks what is broken, with a message naming it.

Every mutant runs the kit as a vendor would (a one-line test file, the base adapter's shipped hooks), with
only the suites that could see its bug selected (`-k`), to keep the self-test fast; a mutant the kit
passes fails here, so the kill rate of this set is 100% whenever the suite is green (18 of 18 at the time of
writing: the issue's 9 outbound survivors, 2 paging bugs, a lower-case code and a retry under a new key, plus a
deliver() that drifts from encode(), a SOAP 1.2 envelope, a wrong wsa:Action, a missing wsa:MessageID and the
wrong operation's element).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SHARED_VERA
from tests.contract.conftest import KitRun

VERA_SPEC = SHARED_VERA / "WRV-4.3.0.yaml"


@dataclass(frozen=True)
class Mutant:
    name: str
    select: str  # -k expression: the suites that can see this bug
    failing_test: str  # the test (node id part) that must fail
    message: tuple[str, ...]  # what its failure text must say


MUTANTS = [
    Mutant(
        "SoapRentPlusCent",
        "outbound",
        "test_outbound_golden_encode[toewijzing_passend]",
        ("Rekenhuur: expected 675.25, written 675.26",),
    ),
    Mutant(
        "SoapSwappedAmounts",
        "outbound",
        "test_outbound_golden_encode[toewijzing_passend]",
        ("Rekeninkomen: expected 31000.00, written 675.25", "Rekenhuur: expected 675.25, written 31000.00"),
    ),
    Mutant(
        "SoapDroppedOptionalField",
        "outbound",
        "test_outbound_golden_encode[toewijzing_niet_passend]",
        ("/AanvullendeDoelgroep: missing (expected STH)",),
    ),
    Mutant(
        "SoapWrongCode",
        "outbound_golden",
        "test_outbound_golden_encode[toewijzing_niet_passend]",
        ("/Passendheid: expected NIE, written PAS",),
    ),
    Mutant(
        "SoapLostTimezone",
        "outbound_golden",
        "test_outbound_golden_encode[toewijzing_passend]",
        ("/Toewijzingsdatum: expected 2026-03-14T12:00:00Z, written 2026-03-14T12:00:00",),
    ),
    Mutant(
        "SoapPagingNeverPastPageOne",
        "outbound_paging",
        "test_outbound_paging[several-pages]",
        ("5 of 7 records never arrived (WS-000003",),
    ),
    Mutant(
        "SoapVersion12Envelope",
        "conformance_encoded",
        "test_conformance_encoded[toewijzing.gedaan]",
        ("Envelope: a SOAP 1.2 envelope", "the WSDL's binding is SOAP 1.1"),
    ),
    Mutant(
        "SoapWrongAction",
        "conformance_encoded",
        "test_conformance_encoded[toewijzing.gedaan]",
        ("Header/wsa:Action: urn:woonbrug:erp:v1/GetContracts is not PutToewijzing's soapAction",),
    ),
    Mutant(
        "SoapMissingMessageId",
        "conformance_encoded",
        "test_conformance_encoded[toewijzing.gedaan]",
        ("Header: no wsa:MessageID",),
    ),
    Mutant(
        "SoapWrongOperationElement",
        "conformance_encoded",
        "test_conformance_encoded[toewijzing.gedaan]",
        ("Body: GetContracts is the input of GetContracts, not of PutToewijzing",),
    ),
    Mutant(
        "CsvWrongEncoding",
        "outbound_golden",
        "test_outbound_golden_encode[toewijzingen]",
        ("(encoding): expected utf-8-sig, written utf-8 without byte order mark",),
    ),
    Mutant(
        "CsvEmptyColumn",
        "outbound_golden",
        "test_outbound_golden_encode[toewijzingen]",
        ("row 2/Rekenhuur: expected 675,25, written ",),
    ),
    Mutant(
        "CsvSwappedColumns",
        "outbound_golden",
        "test_outbound_golden_encode[toewijzingen]",
        ("row 2/Rekeninkomen: expected 31000,00, written 675,25",),
    ),
    Mutant(
        "CsvUtcWrittenAsLocal",
        "outbound_golden",
        "test_outbound_golden_encode[toewijzingen]",
        ("row 2/Datum toewijzing: expected 14-3-2026 13:00, written 14-3-2026 12:00",),
    ),
    Mutant(
        "VeraLowerCaseCode",
        "outbound_golden",
        "test_outbound_golden_encode[aanbieding_geweigerd]",
        ('/status/code: expected "GEW", written "gew"',),
    ),
    Mutant(
        "VeraPagingNeverPastPageOne",
        "outbound_paging",
        "test_outbound_paging[several-pages]",
        ("records never arrived",),
    ),
    Mutant(
        "VeraRetryWithNewKey",
        "outbound_wire",
        "test_outbound_wire[toewijzing.gedaan]",
        ("did not carry the idempotency key deliver() was given",),
    ),
    Mutant(
        "VeraDeliversAnotherRent",
        "outbound_wire",
        "test_outbound_wire[toewijzing.gedaan]",
        ("what deliver() of a toewijzing.gedaan put on the wire differs from what encode() writes", "/rekenhuur"),
    ),
]


def vendor_file(mutant: str) -> str:
    spec = f", vera_spec={str(VERA_SPEC)!r}" if VERA_SPEC.is_file() else ""
    return (
        "from contract_tests import contract_test_class\n"
        f"from tests.contract.mutants import {mutant}\n\n"
        f"TestMutant = contract_test_class({mutant}{spec})\n"
    )


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_the_kit_kills_the_mutant_for_the_right_reason(kit_run: KitRun, mutant: Mutant) -> None:
    result = kit_run(vendor_file(mutant.name), "-k", mutant.select)
    output = result.stdout.str()
    assert result.ret == 1, f"the kit passed the mutant {mutant.name}:\n{output}"
    failed = [line for line in output.splitlines() if line.startswith("FAILED ")]
    assert any(mutant.failing_test in line for line in failed), output
    section = output.split(f"TestMutant.{mutant.failing_test}", 1)[-1]
    for text in mutant.message:
        assert text in section, f"{mutant.name}: the failure does not say {text!r}:\n{output}"


def test_every_mutant_class_is_in_the_set() -> None:
    import tests.contract.mutants as module

    defined = {
        name
        for name, value in vars(module).items()
        if isinstance(value, type)
        and value.__module__ == module.__name__
        and not name.startswith("_")
        and name != "AMSTERDAM"
    }
    assert defined == {m.name for m in MUTANTS}


def test_the_mutants_are_written_for_the_shipped_samples() -> None:
    """The failure texts above quote the shipped samples: they must still hold those values."""
    samples = Path(__file__).resolve().parents[2] / "adapters"
    passend = (samples / "soap_erp/contract/samples/encode/toewijzing_passend.vendor.xml").read_text()
    assert "<ns0:Rekenhuur>675.25</ns0:Rekenhuur>" in passend
    export = (samples / "csv/contract/samples/encode/toewijzingen.vendor.csv").read_text(encoding="utf-8-sig")
    assert "14-3-2026 13:00" in export


@pytest.mark.skipif(not VERA_SPEC.is_file(), reason="the VERA spec and code lists are not on this machine")
def test_a_lower_case_vera_code_fails_against_the_code_lists_too(kit_run: KitRun) -> None:
    """Without any golden sample of its own, the code lists catch it in what encode() makes of any message."""
    result = kit_run(vendor_file("VeraLowerCaseCode"), "-k", "conformance_encoded and aanbieding.geweigerd")
    output = result.stdout.str()
    assert result.ret == 1, output
    assert "VERA Referentiedata:" in output
    assert "/status/code: 'gew' is not a VERA code; VERA has 'GEW' (AANBIEDINGSTATUS" in output
