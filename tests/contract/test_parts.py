"""The kit's parts on their own: opt-out checks, field comparison, planted personal data, format checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contract_tests.compare import canonical_json, check_paths, differences, model_paths, render_differences
from contract_tests.kit import ContractKit
from contract_tests.optouts import OPT_OUTS, SUITES, OptOutError, check_opt_outs, opt_out_reason
from contract_tests.personal import BAD_BSN, BSN_DIGITS, LeakScanner, capture_logs, personalise
from contract_tests.runner import contract_test_source
from contract_tests.vendor_formats import csv_problems, json_schema_problems, xsd_problems
from schemas import InschrijvingGeregistreerd, MessageSource, ToewijzingGedaan
from schemas.privacy import personal_values
from tests import factories
from tests.contract.toy_adapter import ToyAdapter

SOURCE = MessageSource(tenant="corp-a", system="test")


def toewijzing(**changes: object) -> ToewijzingGedaan:
    return ToewijzingGedaan(correlation_id="flow-1", source=SOURCE, payload=factories.toewijzing(**changes))


# --- opt-outs ---------------------------------------------------------------------------------------------


def test_every_suite_but_declaration_can_be_opted_out_of_and_is_documented() -> None:
    assert set(SUITES) - {"declaration"} <= set(OPT_OUTS)
    guide = (Path(__file__).parents[2] / "docs" / "adapter-authors-guide.md").read_text(encoding="utf-8")
    for name in OPT_OUTS:
        assert f"`{name}`" in guide, f"opt-out {name} is not in the adapter authors' guide"


@pytest.mark.parametrize(
    ("opt_outs", "message"),
    [
        ({"idempotent": "no test system"}, "unknown opt-out 'idempotent'. Did you mean 'idempotency'?"),
        ({"idempotency": " "}, "opt-out 'idempotency' needs a reason"),
        ({"declaration": "we know better"}, "the declaration suite is what discovery checks too"),
        ({"declaration.model_major": "later"}, "is not allowed"),
    ],
)
def test_a_wrong_opt_out_is_refused_with_why(opt_outs: dict[str, str], message: str) -> None:
    with pytest.raises(OptOutError, match=message.replace("(", r"\(").replace("?", r"\?")):
        check_opt_outs(opt_outs)


def test_an_opt_out_of_a_suite_covers_its_tests_and_names_itself() -> None:
    checked = check_opt_outs({"errors": "the vendor's sandbox is down this quarter"})
    assert opt_out_reason(checked, "errors.transport") == (
        "opted out of 'errors': the vendor's sandbox is down this quarter"
    )
    assert opt_out_reason(checked, "privacy.decode") is None


# --- comparing -------------------------------------------------------------------------------------------


def test_a_lost_field_is_named_by_its_path_and_personal_values_are_masked() -> None:
    sent = canonical_json(toewijzing(doelgroep={"code": "GEZ"}, rekeninkomen=31000.0))
    got = canonical_json(toewijzing(rekeninkomen=29000.0))
    found = differences(sent, got, ["payload"], model_paths(ToewijzingGedaan))
    text = render_differences(found)
    assert 'payload.doelgroep: sent {"code": "GEZ", "naam": "Gezin"}, missing after the round trip' in text
    assert "payload.rekeninkomen: sent [personal data], got back [personal data]" in text
    assert "31000" not in text
    assert "29000" not in text


def test_only_declared_fields_are_compared_and_ignored_ones_never() -> None:
    sent = canonical_json(toewijzing(doelgroep={"code": "GEZ"}))
    got = canonical_json(toewijzing(rekenhuur=700.0))
    assert [d.path for d in differences(sent, got, ["payload.rekenhuur"])] == ["payload.rekenhuur"]
    assert differences(sent, got, ["payload.id", "payload.passendheidsoort.code"]) == []
    assert differences(sent, got, ["payload"], ignored=["payload.rekenhuur", "payload.doelgroep"]) == []


def test_list_items_are_compared_by_index() -> None:
    regeling = {"soort": {"code": "URG"}, "begindatum": "2025-01-01T00:00:00Z"}
    sent = canonical_json(toewijzing(voorrangsregelingen=[regeling, regeling]))
    got = canonical_json(toewijzing(voorrangsregelingen=[regeling]))
    paths = [d.path for d in differences(sent, got, ["payload.voorrangsregelingen.soort"])]
    assert paths == ["payload.voorrangsregelingen[1].soort"]


def test_declared_paths_that_do_not_exist_are_reported_with_the_real_ones() -> None:
    problems = check_paths(ToewijzingGedaan, ["payload.rekenhuur", "payload.huur", "payload.eenheid.nummer"])
    assert len(problems) == 2
    assert "'payload.huur' is not a field of toewijzing.gedaan; fields under 'payload':" in problems[0]
    assert "rekenhuur" in problems[0]
    assert "fields under 'payload.eenheid': code, id" in problems[1]


# --- personal data ---------------------------------------------------------------------------------------


def test_personalise_plants_recognisable_values_and_keeps_the_message_valid() -> None:
    message = InschrijvingGeregistreerd(
        correlation_id="flow-1",
        source=SOURCE,
        payload=factories.inschrijving(aanvrager=factories.persoon(bsn=None, contactgegevens=[])),
    )
    planted = personalise(message)
    values = set(personal_values(planted))
    assert BSN_DIGITS in values
    assert "ysbrandina.kwakernaak@example.org" in values
    assert planted.payload.aanvrager.geboortedatum.isoformat() == "1961-07-23"
    assert type(planted) is InschrijvingGeregistreerd


@pytest.mark.parametrize(
    "text",
    [f"BSN {BSN_DIGITS} invalid", f"bad {BAD_BSN}", "born 23-7-1961", "Kwakernaak-Privacytoets", "income 31.415,92"],
)
def test_the_scanner_knows_the_usual_spellings(text: str) -> None:
    assert LeakScanner().in_text(text, "here")


def _chained(hide: bool) -> RuntimeError:
    try:
        try:
            raise ValueError(f"BSN {BSN_DIGITS}")
        except ValueError as inner:
            if hide:
                raise RuntimeError("replaced") from None
            raise RuntimeError("wrapped") from inner
    except RuntimeError as raised:
        return raised
    raise AssertionError("unreachable")


def test_the_scanner_follows_the_chain_a_traceback_shows() -> None:
    assert [leak.kind for leak in LeakScanner().in_exception(_chained(hide=False))] == ["BSN"]
    assert LeakScanner().in_exception(_chained(hide=True)) == []  # `from None`: a traceback hides it too


def test_log_capture_sees_info_and_above_and_restores_the_level() -> None:
    import logging

    root = logging.getLogger()
    before = root.level
    with capture_logs() as records:
        logging.getLogger("vendor.adapter").info("sent %s", "Kwakernaak")
        logging.getLogger("vendor.adapter").debug("not captured")
    assert [record.levelname for record in records] == ["INFO"]
    assert LeakScanner().in_records(records)[0].where == "a INFO log record of logger 'vendor.adapter'"
    assert root.level == before


# --- vendor formats --------------------------------------------------------------------------------------


def test_csv_problems_name_row_and_column() -> None:
    body = b"a;b\n1;x\n2\n"
    assert csv_problems({"a": "[0-9]", "b": "[0-9]"}, body) == [
        "row 2, column 'b': does not match '[0-9]'",
        "row 3: 1 fields, the header has 2",
    ]
    assert csv_problems(["a", "c"], body)[0] == "row 1 (header): missing ['c']; unexpected ['b']"


def test_json_schema_problems_never_quote_the_value() -> None:
    schema = {"type": "object", "properties": {"bsn": {"type": "string", "pattern": "^[0-9]{9}$"}}, "required": ["id"]}
    problems = json_schema_problems(schema, json.dumps({"bsn": "12345678X"}).encode())
    assert "(root): 'id' is a required property" in problems
    assert any(p.startswith("bsn: fails 'pattern'") for p in problems)
    assert not any("12345678X" in p for p in problems)


def test_xsd_problems_check_the_elements_in_a_soap_body(tmp_path: Path) -> None:
    xsd = tmp_path / "a.xsd"
    xsd.write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:a" elementFormDefault="qualified">'
        '<xs:element name="A"><xs:complexType><xs:sequence><xs:element name="n" type="xs:int"/></xs:sequence>'
        "</xs:complexType></xs:element></xs:schema>"
    )
    envelope = (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><A xmlns="urn:a">'
        "<n>{}</n></A></s:Body></s:Envelope>"
    )
    assert xsd_problems(xsd, envelope.format("7").encode()) == []
    [problem] = xsd_problems(xsd, envelope.format("seven").encode())
    assert problem.startswith("line 1:")
    assert xsd_problems(xsd, b"<A")[0].startswith("not well-formed XML")


# --- golden folders and the runner ------------------------------------------------------------------------


def test_golden_pairs_follow_the_vendor_suffix(tmp_path: Path) -> None:
    for name in ("a.vera.json", "a.canonical.json", "b.canonical.jsonl", "b.vera.json", "c.vera.json", "x.txt"):
        (tmp_path / name).write_text("[]")
    kit = ContractKit(ToyAdapter, fixtures_dir=tmp_path, vendor_suffix=".vera.json")
    assert [(case.name, bool(case.vendor), bool(case.canonical)) for case in kit.golden_cases()] == [
        ("a", True, True),
        ("b", True, True),
        ("c", True, False),
    ]
    assert kit.golden_problems() == ["c.vera.json has no c.canonical.json beside it"]


def test_the_runner_writes_the_one_line_a_vendor_keeps(tmp_path: Path) -> None:
    source = contract_test_source("my_erp", fixtures=tmp_path, opt_outs={"idempotency": "no sandbox"})
    assert source.splitlines()[-1] == (
        f"TestContractMyErp = contract_test_class('my_erp', fixtures_dir={str(tmp_path.resolve())!r}, "
        "opt_outs={'idempotency': 'no sandbox'})"
    )


def test_the_kit_depends_on_schemas_and_adapters_never_on_gateway() -> None:
    """DESIGN: `contract_tests -> adapters, schemas`; the gateway's CLI calls the kit, not the other way."""
    import ast

    offenders = []
    for path in sorted((Path(__file__).parents[2] / "contract_tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            )
            offenders += [f"{path.name}: {name}" for name in names if name.split(".")[0] == "gateway"]
    assert offenders == []
