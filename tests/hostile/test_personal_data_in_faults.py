"""Vendor fault texts pass the value-type scrubber before they are stored or logged.

A SOAP fault once carried a tenant's IBAN, name, birth date and income verbatim into errors and logs.
Now the adapter boundary scrubs the faultstring by the type of each value and drops the detail, in the
error's reason and in the chained zeep Fault alike, so a logged traceback holds none of it either.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from xml.sax.saxutils import escape

import httpx
import pytest

from adapters.sdk.errors import AdapterError, PermanentError, TransientError
from adapters.sdk.simulator import SimulatorServer
from adapters.soap_erp import SoapErpAdapter, SoapErpConfig
from adapters.soap_erp.mapping import NS
from schemas import ToewijzingGedaan
from schemas.scrubbing import scrub_personal_text
from tests import factories as f
from tests.adapters.soap_erp.cases import GATEWAY

PERSONAL = {
    "iban": "NL91ABNA0417164300",
    "iban grouped": "NL91 ABNA 0417 1643 00",
    "name": "J. de Vries-Testpersoon",
    "salutation": "mevrouw Van Dijk",
    "birth date": "14-03-1987",
    "birth date iso": "1987-03-14",
    "birth date written": "14 maart 1987",
    "income": "€ 31.000,50",
    "income keyed": "inkomen 28500",
    "bsn": "111222333",
    "bsn dotted": "111.222.333",
    "e-mail": "noelle.testpersoon@example.org",
    "mobile": "06-12345678",
    "phone international": "+31 24 360 1234",
    "keyed name": "achternaam: Zwanenburg",
}

FAULT_TEXT = (
    "Huurder {name} ({salutation}), geb. {birth date} / {birth date iso} / {birth date written}, "
    "IBAN {iban} of {iban grouped}, {income} per jaar en {income keyed}, BSN {bsn} ({bsn dotted}), "
    "mail {e-mail}, tel {mobile} of {phone international}; {keyed name}; eenheid WS-000123 niet gevonden"
).format(**PERSONAL)

# What each value must leave behind: the fragments that identify the person.
LEAKS = [
    "NL91",
    "0417",
    "Vries",
    "Dijk",
    "1987",
    "31.000",
    "28500",
    "111222333",
    "111.222.333",
    "testpersoon@",
    "12345678",
    "360 1234",
    "Zwanenburg",
]


@pytest.mark.parametrize("kind", sorted(PERSONAL))
def test_each_kind_of_personal_value_is_scrubbed_by_its_type(kind: str) -> None:
    scrubbed = scrub_personal_text(f"fout bij {PERSONAL[kind]} in verwerking")
    assert "[redacted]" in scrubbed
    for leak in LEAKS:
        assert leak not in scrubbed, (kind, scrubbed)


def test_operational_facts_are_kept() -> None:
    text = "GetChangesSince at 2026-03-02T09:00:00Z: 500 asked, 318980 sent, unit WS-000123, record 12, line 37"
    assert scrub_personal_text(text) == text


def _fault_app(kind: str) -> Callable[..., Any]:
    faultcode = "soap:Client" if kind == "client" else "soap:Server"
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:erp="{NS}">'
        f"<soap:Body><soap:Fault><faultcode>{faultcode}</faultcode><faultstring>{escape(FAULT_TEXT)}</faultstring>"
        f"<detail><erp:ErpFout><erp:Code>E42</erp:Code><erp:Omschrijving>{escape(FAULT_TEXT)}</erp:Omschrijving>"
        "</erp:ErpFout></detail></soap:Fault></soap:Body></soap:Envelope>\n"
    ).encode()

    async def app(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        while (await receive()).get("more_body"):
            pass
        await send(
            {"type": "http.response.start", "status": 500, "headers": [(b"content-type", b"text/xml; charset=utf-8")]}
        )
        await send({"type": "http.response.body", "body": body})

    return app


@pytest.fixture(params=["client", "server"])
def faulting_erp(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    server = SimulatorServer(_fault_app(request.param)).start()
    try:
        yield request.param, f"{server.url}/erp"
    finally:
        server.stop()


@pytest.fixture
async def erp_adapter(faulting_erp: tuple[str, str]) -> AsyncIterator[SoapErpAdapter]:
    adapter = SoapErpAdapter(SoapErpConfig(endpoint=faulting_erp[1]), client=httpx.AsyncClient())
    yield adapter
    await adapter.aclose()


def _everything_said(error: AdapterError, caplog: pytest.LogCaptureFixture) -> str:
    trace = "".join(traceback.format_exception(error))
    causes = []
    cause: BaseException | None = error
    while cause is not None:
        causes += [str(cause), repr(cause), repr(getattr(cause, "detail", None))]
        cause = cause.__cause__ or cause.__context__
    return "\n".join([str(error), error.reason, trace, *causes, caplog.text])


@pytest.mark.parametrize("operation", ["poll", "deliver"])
async def test_a_vendor_fault_full_of_personal_data_leaves_none_of_it_in_errors_or_logs(
    operation: str,
    faulting_erp: tuple[str, str],
    erp_adapter: SoapErpAdapter,
    caplog: pytest.LogCaptureFixture,
) -> None:
    kind = faulting_erp[0]
    caplog.set_level(logging.DEBUG)
    message = ToewijzingGedaan(
        message_id="toewijzing-1",
        correlation_id="flow-1",
        source=GATEWAY,
        payload=f.toewijzing(id="T-1", eenheid={"id": "WS-000123"}, idOrganisatie="woonstee"),
    )
    call = erp_adapter.poll(None) if operation == "poll" else erp_adapter.deliver(message, idempotency_key="k-1")
    with pytest.raises(AdapterError) as raised:
        await call
    error = raised.value
    assert isinstance(error, PermanentError if kind == "client" else TransientError)
    # What is left is still useful to an operator...
    assert f"SOAP {kind} fault" in error.reason
    assert "eenheid WS-000123 niet gevonden" in error.reason
    # ...and holds nothing of the person, wherever it is looked for.
    said = _everything_said(error, caplog)
    for leak in LEAKS:
        assert leak not in said, leak
