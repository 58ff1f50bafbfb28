"""A SOAP ERP that answers too much: the poll streams the reply under a size cap, takes no record beyond
the page it asked for, and keeps memory flat while a loopback server sends 200 MB.

Before: the poll read the whole reply into memory (200 MB / 318,980 records when 500 were asked gave
2.8 GB RSS), had no size cap and accepted every record beyond the page.
"""

from __future__ import annotations

import gc
import re
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import psutil
import pytest

from adapters.sdk.errors import PermanentError
from adapters.sdk.simulator import SimulatorServer
from adapters.soap_erp import SoapErpAdapter, SoapErpConfig
from adapters.soap_erp.simulator import generate_units, vacant_units_response
from schemas import EenheidVrijgekomen

MB = 1024 * 1024


def _parts(records: int) -> tuple[bytes, bytes, bytes]:
    """(head, `records` VrijeEenheid elements, tail) of a GetChangesSince reply, to repeat the middle."""
    whole = vacant_units_response(generate_units(records, seed=5), cursor="999").replace(
        b"GetVacantUnitsResponse", b"GetChangesSinceResponse"
    )
    start = whole.index(b"<erp:VrijeEenheid>")
    end = whole.rindex(b"</erp:VrijeEenheid>") + len(b"</erp:VrijeEenheid>\n")
    return whole[:start], whole[start:end], whole[end:]


class FloodingErp:
    """An ASGI 'ERP' that streams `total_bytes` of units (blocks of 500) whatever MaxAantal it is asked."""

    def __init__(self, total_bytes: int, *, status: int = 200) -> None:
        self.head, self.block, self.tail = _parts(500)
        self.total_bytes = total_bytes
        self.status = status
        self.asked: list[int] = []

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        found = re.search(rb"MaxAantal>(\d+)<", body)
        self.asked.append(int(found.group(1)) if found else -1)
        await send(
            {
                "type": "http.response.start",
                "status": self.status,
                "headers": [(b"content-type", b"text/xml; charset=utf-8")],
            }
        )
        # After the client hangs up uvicorn drops what is sent, so the loop ends quickly either way.
        sent = 0
        await send({"type": "http.response.body", "body": self.head, "more_body": True})
        while sent < self.total_bytes:
            await send({"type": "http.response.body", "body": self.block, "more_body": True})
            sent += len(self.block)
        await send({"type": "http.response.body", "body": self.tail, "more_body": False})


@pytest.fixture
def serve() -> Iterator[Callable[[FloodingErp], str]]:
    servers: list[SimulatorServer] = []

    def start(app: FloodingErp) -> str:
        server = SimulatorServer(app).start()
        servers.append(server)
        return f"{server.url}/erp"

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
async def adapters() -> AsyncIterator[Callable[..., SoapErpAdapter]]:
    made: list[SoapErpAdapter] = []

    def make(endpoint: str, **config: Any) -> SoapErpAdapter:
        adapter = SoapErpAdapter(SoapErpConfig(endpoint=endpoint, **config), client=httpx.AsyncClient())
        made.append(adapter)
        return adapter

    yield make
    for adapter in made:
        await adapter.aclose()


async def test_a_200_mb_reply_to_a_500_record_poll_takes_500_and_stays_small(
    serve: Callable[[FloodingErp], str], adapters: Callable[..., SoapErpAdapter]
) -> None:
    erp = FloodingErp(200 * MB)
    adapter = adapters(serve(erp))
    gc.collect()
    process = psutil.Process()
    before = process.memory_info().rss
    started = time.perf_counter()
    result = await adapter.poll("41")
    elapsed = time.perf_counter() - started
    grown = process.memory_info().rss - before
    assert erp.asked == [500]
    assert len(result.messages) == 500
    assert all(isinstance(m, EenheidVrijgekomen) for m in result.messages)
    (reject,) = result.rejects
    assert reject.location.record == 501
    assert reject.location.line is not None
    assert "more records than the 500 asked for (MaxAantal)" in reject.reason
    # Records beyond the page were not read, so the cursor must not move past them.
    assert result.cursor == "41"
    assert elapsed < 10
    assert grown < 100 * MB, f"RSS grew by {grown / MB:.0f} MB"


async def test_a_reply_beyond_the_size_cap_is_refused_naming_the_cap(
    serve: Callable[[FloodingErp], str], adapters: Callable[..., SoapErpAdapter]
) -> None:
    erp = FloodingErp(3 * MB)
    adapter = adapters(serve(erp), page_size=10_000, max_response_bytes=MB)
    with pytest.raises(PermanentError) as raised:
        await adapter.poll(None)
    assert "larger than the cap of 1,048,576 bytes (max_response_bytes)" in str(raised.value)


async def test_a_reply_within_the_cap_and_the_page_is_taken_whole(
    serve: Callable[[FloodingErp], str], adapters: Callable[..., SoapErpAdapter]
) -> None:
    erp = FloodingErp(1)  # one block: 500 units
    adapter = adapters(serve(erp), page_size=500, max_response_bytes=MB)
    result = await adapter.poll(None)
    assert (len(result.messages), result.rejects, result.cursor) == (500, [], "999")


async def test_an_xml_error_status_without_a_fault_is_the_status(
    serve: Callable[[FloodingErp], str], adapters: Callable[..., SoapErpAdapter]
) -> None:
    erp = FloodingErp(1, status=503)
    adapter = adapters(serve(erp))
    with pytest.raises(Exception, match="HTTP 503"):
        await adapter.poll(None)


def test_the_page_size_holds_for_decode_only_when_asked() -> None:
    from adapters.soap_erp.decoding import EnvelopeReader

    payload = vacant_units_response(generate_units(5, seed=5), cursor="5")
    assert sum(1 for _ in EnvelopeReader(payload)) == 5
    items = list(EnvelopeReader(payload, page_size=3))
    assert len(items) == 4
    assert items[-1].location.record == 4  # type: ignore[union-attr]
