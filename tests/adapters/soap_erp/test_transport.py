"""The adapter over real HTTP against the simulated ERP: every operation, idempotent delivery, WS-Security,
and how each failure leaves the adapter.

Connection resets are injected with `httpx.MockTransport` (a Starlette handler that raises answers 500;
it cannot drop the connection); everything else is the simulator failing for real.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters import (
    AdapterError,
    MappingError,
    PermanentError,
    TransientError,
    UnsupportedOperation,
    discover,
)
from adapters.sdk.discovery import check_adapter_class
from adapters.sdk.simulator import Fault
from adapters.soap_erp import WSDL_PATH, XSD_PATH, SoapErpAdapter, SoapErpConfig
from adapters.soap_erp.simulator import ErpSimulator
from schemas import EenheidVrijgekomen, OvereenkomstGetekend, ToewijzingGedaan
from tests import factories as f
from tests.adapters.soap_erp.cases import GATEWAY
from tests.adapters.soap_erp.conftest import PASSWORD, SEEDED_UNITS, SIGNED_AT, MakeAdapter


async def call(adapter: SoapErpAdapter, operation: str, unit: str = "WS-000001", key: str = "k") -> object:
    """One delivery or one poll, so a test can run the same fault against both."""
    if operation == "deliver":
        return await adapter.deliver(allocation(unit), idempotency_key=key)
    return await adapter.poll(None)


def allocation(unit: str = "WS-000001", number: int = 1, correlation: str = "flow-1") -> ToewijzingGedaan:
    return ToewijzingGedaan(
        message_id=f"toewijzing-{number}",
        correlation_id=correlation,
        source=GATEWAY,
        payload=f.toewijzing(id=f"T-{number}", eenheid={"id": unit}, idOrganisatie="woonstee"),
    )


# --- reads --------------------------------------------------------------------------------------------


async def test_vacant_units_pages_through_the_cursor(sim: ErpSimulator, make_adapter: MakeAdapter) -> None:
    adapter = make_adapter(page_size=5)
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(5):
        page = await adapter.vacant_units(cursor)
        assert page.rejects == []
        seen += [m.payload.eenheid.id for m in page.messages if isinstance(m, EenheidVrijgekomen)]
        if page.cursor == cursor:
            break
        cursor = page.cursor
    assert seen == [f"WS-{n:06d}" for n in range(1, SEEDED_UNITS + 1)]
    assert cursor == str(SEEDED_UNITS)
    assert [op for op, _ in sim.requests] == ["GetVacantUnits"] * 4  # 5 + 5 + 2, then an empty page


async def test_poll_brings_vacancies_then_the_lease_of_an_allocation(
    sim: ErpSimulator, make_adapter: MakeAdapter
) -> None:
    adapter = make_adapter()
    first = await adapter.poll(None)
    assert len(first.messages) == SEEDED_UNITS
    assert first.cursor == str(SEEDED_UNITS)
    assert (await adapter.poll(first.cursor)).messages == []  # nothing new
    receipt = await adapter.deliver(allocation("WS-000004", correlation="flow-abc"), idempotency_key="key-4")
    later = await adapter.poll(first.cursor)
    (lease,) = later.messages
    assert isinstance(lease, OvereenkomstGetekend)
    assert lease.correlation_id == "flow-abc"  # the lease joins the allocation's flow
    assert lease.payload.toewijzing.id == "T-1"
    assert lease.payload.toewijzing.code == receipt.vendor_reference
    assert lease.payload.eenheid.id == "WS-000004"
    assert lease.occurred_at == SIGNED_AT
    assert later.cursor == str(SEEDED_UNITS + 1)


async def test_contracts_by_reference_once_signed(sim: ErpSimulator, make_adapter: MakeAdapter) -> None:
    sim.auto_sign = False
    adapter = make_adapter()
    receipt = await adapter.deliver(allocation("WS-000002"), idempotency_key="key-2")
    assert receipt.vendor_reference is not None
    assert (await adapter.contracts(toewijzing_referentie=receipt.vendor_reference)).messages == []
    sim.sign(receipt.vendor_reference)
    signed = await adapter.contracts(toewijzing_referentie=receipt.vendor_reference)
    (lease,) = signed.messages
    assert isinstance(lease, OvereenkomstGetekend)
    assert lease.payload.status.code == "LOP"
    assert (await adapter.contracts(since=signed.cursor)).messages == []


# --- delivery -----------------------------------------------------------------------------------------


async def test_redelivery_with_the_same_key_has_one_effect(sim: ErpSimulator, make_adapter: MakeAdapter) -> None:
    adapter = make_adapter()
    message = allocation("WS-000003")
    first = await adapter.deliver(message, idempotency_key="key-same")
    again = await adapter.deliver(message, idempotency_key="key-same")
    assert (first.vendor_reference, first.duplicate) == ("TW-000001", False)
    assert (again.vendor_reference, again.duplicate) == ("TW-000001", True)
    assert first.idempotency_key == again.idempotency_key == "key-same"
    assert [r.idempotency_key for r in sim.ledger.effects()] == ["key-same"]
    assert sim.ledger.duplicates() == 1
    assert len(sim.contracts()) == 1
    assert [key for op, key in sim.requests if op == "PutToewijzing"] == ["key-same", "key-same"]


async def test_a_second_allocation_of_a_taken_unit_is_permanent(sim: ErpSimulator, make_adapter: MakeAdapter) -> None:
    adapter = make_adapter()
    await adapter.deliver(allocation("WS-000005", 1), idempotency_key="key-a")
    with pytest.raises(PermanentError, match="client fault"):
        await adapter.deliver(allocation("WS-000005", 2), idempotency_key="key-b")
    with pytest.raises(PermanentError):
        await adapter.deliver(allocation("WS-404404", 3), idempotency_key="key-c")
    assert len(sim.allocations()) == 1


async def test_what_the_erp_stores_is_what_was_allocated(sim: ErpSimulator, make_adapter: MakeAdapter) -> None:
    adapter = make_adapter()
    await adapter.deliver(allocation("WS-000006", correlation="flow-x"), idempotency_key="key-6")
    (stored,) = sim.allocations()
    assert stored["EenheidNummer"] == "WS-000006"
    assert stored["CorrelatieId"] == "flow-x"
    assert stored["Rekeninkomen"] == "31000.00"
    assert stored["Passendheid"] == "PAS"


async def test_deliver_refuses_other_message_types(make_adapter: MakeAdapter) -> None:
    from schemas import EenheidVrijgekomen, Vrijkomen

    message = EenheidVrijgekomen(
        correlation_id="c", source=f.SOURCE, payload=Vrijkomen(eenheid=f.eenheid(), beschikbaar_per="2026-04-01")
    )
    with pytest.raises(UnsupportedOperation):
        await make_adapter().deliver(message, idempotency_key="k")


# --- WS-Security --------------------------------------------------------------------------------------


async def test_wrong_credentials_are_permanent_and_not_repeated(sim: ErpSimulator, make_adapter: MakeAdapter) -> None:
    adapter = make_adapter(password="not-the-password")
    with pytest.raises(PermanentError) as raised:
        await adapter.vacant_units()
    assert "not-the-password" not in str(raised.value)
    assert PASSWORD not in repr(adapter.config)


async def test_without_credentials_the_erp_refuses(sim: ErpSimulator, make_adapter: MakeAdapter) -> None:
    with pytest.raises(PermanentError):
        await make_adapter(username=None, password=None).poll(None)


# --- faults from the simulator ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "expected", "retry_after"),
    [
        (Fault.UNAVAILABLE, TransientError, 2.0),
        (Fault.RATE_LIMITED, TransientError, 2.0),
        (Fault.SERVER_ERROR, TransientError, None),
        (Fault.RESET, TransientError, None),  # over Starlette this is a 500, see the module docstring
        (Fault.BAD_REQUEST, PermanentError, None),
    ],
)
@pytest.mark.parametrize("operation", ["deliver", "poll"])
async def test_http_faults(
    sim: ErpSimulator,
    make_adapter: MakeAdapter,
    fault: Fault,
    expected: type[AdapterError],
    retry_after: float | None,
    operation: str,
) -> None:
    adapter = make_adapter()
    sim.faults.fail_next(fault)
    with pytest.raises(expected) as raised:
        await call(adapter, operation, "WS-000007", "key-7")
    assert type(raised.value) is expected
    if retry_after is not None:
        assert isinstance(raised.value, TransientError)
        assert raised.value.retry_after == retry_after
        assert raised.value.status in {429, 503}
    if expected is PermanentError:
        assert getattr(raised.value, "status", None) == 400
    assert sim.allocations() == []
    # The fault was one request long: the same call now succeeds.
    if operation == "deliver":
        assert (await adapter.deliver(allocation("WS-000007"), idempotency_key="key-7")).duplicate is False
    else:
        assert len((await adapter.poll(None)).messages) == SEEDED_UNITS


async def test_a_timeout_is_transient(sim: ErpSimulator, make_adapter: MakeAdapter) -> None:
    adapter = make_adapter(timeout=0.3)
    sim.faults.fail_next(Fault.TIMEOUT)
    with pytest.raises(TransientError, match="did not answer in time"):
        await adapter.poll(None)


@pytest.mark.parametrize(("kind", "expected"), [("client", PermanentError), ("server", TransientError)])
@pytest.mark.parametrize("operation", ["deliver", "poll"])
async def test_soap_faults(
    sim: ErpSimulator, make_adapter: MakeAdapter, kind: Any, expected: type[AdapterError], operation: str
) -> None:
    """A SOAP fault comes with HTTP 500, but a Client fault is the caller's problem: never retry it."""
    adapter = make_adapter()
    sim.fail_next_soap(kind)
    with pytest.raises(expected) as raised:
        await call(adapter, operation, "WS-000008", "key-8")
    assert type(raised.value) is expected
    assert f"SOAP {kind} fault" in str(raised.value)
    assert sim.allocations() == []


async def test_a_malformed_page_is_rejected_and_the_cursor_stays(sim: ErpSimulator, make_adapter: MakeAdapter) -> None:
    adapter = make_adapter()
    sim.faults.fail_next(Fault.MALFORMED)
    result = await adapter.poll("3")
    assert result.messages == []
    (reject,) = result.rejects
    assert isinstance(reject, MappingError)
    assert reject.location.line == 1
    assert result.cursor == "3"  # ask again from the same place


async def test_an_unreadable_acknowledgement_is_worth_a_safe_retry(
    sim: ErpSimulator, make_adapter: MakeAdapter
) -> None:
    adapter = make_adapter()
    sim.faults.fail_next(Fault.MALFORMED)
    with pytest.raises(TransientError, match="repeating is safe"):
        await adapter.deliver(allocation("WS-000009"), idempotency_key="key-9")
    receipt = await adapter.deliver(allocation("WS-000009"), idempotency_key="key-9")
    assert receipt.vendor_reference == "TW-000001"


# --- faults injected with MockTransport ---------------------------------------------------------------


def failing(exception: type[httpx.TransportError]) -> httpx.AsyncClient:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exception("connection reset by peer", request=request)

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


@pytest.mark.parametrize("exception", [httpx.ReadError, httpx.ConnectError, httpx.RemoteProtocolError])
@pytest.mark.parametrize("operation", ["deliver", "poll"])
async def test_connection_failures_are_transient(
    make_adapter: MakeAdapter, exception: type[httpx.TransportError], operation: str
) -> None:
    adapter = make_adapter(client=failing(exception))
    with pytest.raises(TransientError) as raised:
        await call(adapter, operation)
    assert isinstance(raised.value.__cause__, exception)


async def test_error_pages_never_pass_on_what_was_sent(make_adapter: MakeAdapter) -> None:
    """Some servers echo the request in their error page; the error must not carry it on (income inside)."""

    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, content=b"error: " + request.content, headers={"Content-Type": "text/plain"})

    adapter = make_adapter(client=httpx.AsyncClient(transport=httpx.MockTransport(echo)))
    with pytest.raises(PermanentError) as raised:
        await adapter.deliver(allocation(), idempotency_key="k")
    assert "31000" not in str(raised.value)
    assert PASSWORD not in str(raised.value)


async def test_the_injected_client_keeps_its_headers_and_gets_the_soap_ones(make_adapter: MakeAdapter) -> None:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503, headers={"Retry-After": "30"})

    client = httpx.AsyncClient(transport=httpx.MockTransport(record), headers={"X-Woonbrug-Tenant": "corp-b"})
    adapter = make_adapter(client=client)
    with pytest.raises(TransientError) as raised:
        await adapter.deliver(allocation(), idempotency_key="key-h")
    assert raised.value.retry_after == 30.0
    (request,) = seen
    assert request.headers["X-Woonbrug-Tenant"] == "corp-b"
    assert request.headers["SOAPAction"] == '"urn:woonbrug:erp:v1/PutToewijzing"'
    assert request.headers["Content-Type"].startswith("text/xml")
    assert b"<wsa:MessageID" in request.content
    assert b">key-h</wsa:MessageID>" in request.content
    assert PASSWORD.encode() in request.content  # WS-Security travels in the SOAP header (over TLS)


async def test_nothing_personal_or_secret_reaches_the_logs(
    sim: ErpSimulator, make_adapter: MakeAdapter, caplog: pytest.LogCaptureFixture
) -> None:
    """zeep's own transport logs whole envelopes at DEBUG; ours must not, whatever the log level."""
    caplog.set_level(logging.DEBUG)
    adapter = make_adapter()
    await adapter.deliver(allocation("WS-000010"), idempotency_key="key-log")
    await adapter.poll(None)
    assert caplog.records  # the loggers were listening
    assert PASSWORD not in caplog.text
    assert "31000" not in caplog.text  # the rekeninkomen


# --- configuration and the WSDL -----------------------------------------------------------------------


async def test_no_endpoint_is_a_permanent_error() -> None:
    adapter = SoapErpAdapter(SoapErpConfig())
    with pytest.raises(PermanentError, match="no ERP endpoint"):
        await adapter.poll(None)
    await adapter.aclose()


async def test_a_wsdl_that_imports_from_the_network_is_refused(tmp_path: Path, make_adapter: MakeAdapter) -> None:
    """The WSDL is read from local files only: an import of a remote XSD fails before any request."""
    wsdl = tmp_path / "erp.wsdl"
    wsdl.write_text(
        WSDL_PATH.read_text(encoding="utf-8").replace(
            'schemaLocation="erp.xsd"', 'schemaLocation="http://erp.example.invalid/erp.xsd"'
        ),
        encoding="utf-8",
    )
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(500)

    adapter = make_adapter(client=httpx.AsyncClient(transport=httpx.MockTransport(record)), wsdl=wsdl)
    with pytest.raises(PermanentError, match="cannot be loaded"):
        await adapter.poll(None)
    assert seen == []


async def test_a_missing_wsdl_is_a_permanent_error(tmp_path: Path, make_adapter: MakeAdapter) -> None:
    with pytest.raises(PermanentError, match="not a readable file"):
        await make_adapter(wsdl=tmp_path / "missing.wsdl").poll(None)


def test_config_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WOONBRUG_SOAP_ERP_PASSWORD", "uit-de-omgeving")
    monkeypatch.setenv("WOONBRUG_SOAP_ERP_USERNAME", "corp-b")
    monkeypatch.setenv("PASSWORD", "someone-elses")  # an unprefixed variable is not ours
    config = SoapErpConfig(endpoint="https://erp.example.nl/erp")
    assert config.password is not None
    assert config.password.get_secret_value() == "uit-de-omgeving"
    assert "uit-de-omgeving" not in repr(config)
    assert config.wsdl == WSDL_PATH


@pytest.mark.parametrize(
    "values",
    [{"username": "u"}, {"password": "p"}, {"endpoint": "ftp://erp"}, {"timeout": 0}, {"page_size": 0}, {"x": 1}],
)
def test_bad_config_is_refused(values: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    for key in [k for k in os.environ if k.startswith("WOONBRUG_SOAP_ERP_")]:
        monkeypatch.delenv(key)
    with pytest.raises(ValueError, match="validation error"):
        SoapErpConfig(**values)


def test_the_adapter_is_registered_and_declares_itself() -> None:
    registry = discover()
    assert registry.get("soap_erp") is SoapErpAdapter
    assert check_adapter_class(SoapErpAdapter, "soap_erp") is SoapErpAdapter
    described = SoapErpAdapter.describe()
    assert described["version"] == "1.0.0"
    assert described["capabilities"] == {
        "decodes": ["eenheid.vrijgekomen", "overeenkomst.getekend"],
        "encodes": ["toewijzing.gedaan"],
        "transports": ["poll", "push"],
    }
    assert "password" in described["config_schema"]["properties"]


def test_contract_kit_hooks() -> None:
    assert SoapErpAdapter.endpoint_config("http://127.0.0.1:9/") == {"endpoint": "http://127.0.0.1:9/erp"}
    assert SoapErpAdapter.xsd_path == XSD_PATH
    simulator = SoapErpAdapter.simulator()
    assert isinstance(simulator, ErpSimulator)
    assert simulator.check_units is False  # the kit's messages name units the ERP does not hold
