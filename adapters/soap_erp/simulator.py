"""A simulated Woonstee ERP: a real SOAP 1.1 endpoint (Starlette) for the demo, the tests and the contract kit.

It serves the adapter's own WSDL (`GET /erp?wsdl`, with the address rewritten to where it listens, and
`GET /erp.xsd`) and answers SOAP POSTs to `/erp` the way the vendor's system would:

- every request is parsed with the hardened parser, needs wsa:Action (equal to SOAPAction) and
  wsa:MessageID, a WS-Security UsernameToken when credentials are set, and must validate against
  `erp.xsd`; otherwise it gets a `soap:Client` fault;
- it holds units and leases; every vacancy and every signed lease is a numbered change, and the cursors
  of GetVacantUnits / GetChangesSince / GetContracts are those numbers;
- PutToewijzing is stored once per wsa:MessageID (`adapters.sdk.simulator.Ledger`): a repeat gets the same
  reference with `Dubbel` true and has no second effect. With `auto_sign` the lease is signed at once,
  otherwise when told (`sign`, or `POST /_sim/sign`). It refuses an unknown or already allocated unit
  (a `soap:Client` fault) unless `check_units` is off, as for the contract kit's made-up messages;
- faults: the shared `FaultPlan` (timeout, 503/429 with Retry-After, 500, 400, malformed body, reset) and
  SOAP faults (`fail_next_soap("client"|"server")`, or `POST /_sim/soap-fault`), steerable over HTTP.

`python -m adapters.soap_erp.simulator --port 8080 --units 100` runs one on its own.
"""

from __future__ import annotations

import argparse
import random
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final, Literal
from xml.sax.saxutils import escape

from lxml import etree
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.sdk.errors import MappingError
from adapters.sdk.simulator import FaultPlan, Ledger, SimulatorServer, control_routes
from adapters.sdk.xml import parse
from adapters.soap_erp.mapping import CONTRACT_ELEMENTS, NS, UNIT_ELEMENTS
from adapters.soap_erp.soap import WSA_NS, WSDL_PATH, XSD_PATH, action_for

__all__ = [
    "ErpSimulator",
    "changes_response",
    "contracts_response",
    "fault_response",
    "generate_units",
    "main",
    "vacant_units_response",
]

SOAP_ENV: Final = "http://schemas.xmlsoap.org/soap/envelope/"
WSSE_NS: Final = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
CONTENT_TYPE: Final = "text/xml; charset=utf-8"
_WSDL_ADDRESS: Final = "http://localhost:8080/erp"

FaultKind = Literal["client", "server"]


# --- rendering ----------------------------------------------------------------------------------------
# Responses are written as text in the XSD's element order: fast enough to serve 10,000 units, and
# byte-for-byte predictable for golden files.

_HEAD: Final = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<soap:Envelope xmlns:soap="{SOAP_ENV}" xmlns:erp="{NS}">\n  <soap:Body>\n'
)
_TAIL: Final = "  </soap:Body>\n</soap:Envelope>\n"


def _record(name: str, record: Mapping[str, str | None], order: Iterable[str]) -> str:
    lines = [f"      <erp:{name}>\n"]
    for local in order:
        value = record.get(local)
        if value is not None:
            lines.append(f"        <erp:{local}>{escape(value)}</erp:{local}>\n")
    lines.append(f"      </erp:{name}>\n")
    return "".join(lines)


def _unit(record: Mapping[str, str | None]) -> str:
    return _record("VrijeEenheid", record, UNIT_ELEMENTS)


def _contract(record: Mapping[str, str | None]) -> str:
    return _record("Huurcontract", record, CONTRACT_ELEMENTS)


def _response(operation: str, records: Iterable[str], cursor: str, more: bool) -> bytes:
    body = "".join(records)
    trailer = f"      <erp:Cursor>{escape(cursor)}</erp:Cursor>\n      <erp:Meer>{str(more).lower()}</erp:Meer>\n"
    text = f"{_HEAD}    <erp:{operation}Response>\n{body}{trailer}    </erp:{operation}Response>\n{_TAIL}"
    return text.encode("utf-8")


def vacant_units_response(units: Iterable[Mapping[str, str | None]], cursor: str = "0", more: bool = False) -> bytes:
    """A GetVacantUnitsResponse envelope with these units (records as element name -> text)."""
    return _response("GetVacantUnits", (_unit(u) for u in units), cursor, more)


def contracts_response(contracts: Iterable[Mapping[str, str | None]], cursor: str = "0", more: bool = False) -> bytes:
    """A GetContractsResponse envelope with these leases."""
    return _response("GetContracts", (_contract(c) for c in contracts), cursor, more)


def changes_response(
    changes: Iterable[tuple[Literal["unit", "contract"], Mapping[str, str | None]]],
    cursor: str = "0",
    more: bool = False,
) -> bytes:
    """A GetChangesSinceResponse envelope: vacated units and signed leases in change order."""
    return _response(
        "GetChangesSince", (_unit(r) if kind == "unit" else _contract(r) for kind, r in changes), cursor, more
    )


def fault_response(kind: FaultKind, reason: str, code: str) -> Response:
    """A SOAP 1.1 fault (HTTP 500, as SOAP 1.1 over HTTP prescribes) with an erp:ErpFout detail."""
    faultcode = "soap:Client" if kind == "client" else "soap:Server"
    text = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<soap:Envelope xmlns:soap="{SOAP_ENV}" xmlns:erp="{NS}">'
        f"<soap:Body><soap:Fault><faultcode>{faultcode}</faultcode><faultstring>{escape(reason)}</faultstring>"
        f"<detail><erp:ErpFout><erp:Code>{escape(code)}</erp:Code>"
        f"<erp:Omschrijving>{escape(reason)}</erp:Omschrijving></erp:ErpFout></detail>"
        "</soap:Fault></soap:Body></soap:Envelope>\n"
    )
    return Response(text.encode("utf-8"), status_code=500, media_type=CONTENT_TYPE)


def _ok(body: bytes) -> Response:
    return Response(body, media_type=CONTENT_TYPE)


# --- generated units ----------------------------------------------------------------------------------

# Municipalities of the Arnhem-Nijmegen region (CBS codes) with a postcode range each.
_GEMEENTEN: Final = (
    ("0268", "Nijmegen", 6511),
    ("0202", "Arnhem", 6811),
    ("0296", "Wijchen", 6601),
    ("1734", "Overbetuwe", 6661),
    ("1705", "Lingewaard", 6851),
    ("0274", "Renkum", 6871),
    ("1945", "Berg en Dal", 6571),
    ("0299", "Zevenaar", 6901),
    ("0252", "Heumen", 6581),
    ("0275", "Rheden", 6991),
    ("0226", "Duiven", 6921),
    ("0209", "Beuningen", 6641),
)
_STRATEN: Final = (
    "Molenstraat",
    "Kerkstraat",
    "Lindenlaan",
    "Berg en Dalseweg",
    "Graafseweg",
    "Sint Annastraat",
    "Hatertseweg",
    "Dorpsstraat",
    "Kastanjelaan",
    "Rijnkade",
    "Schependomlaan",
    "Meijhorst",
    "Weezenhof",
    "Dukenburgseweg",
    "Heyendaalseweg",
    "Groenestraat",
    "Akkerlaan",
    "Beekstraat",
)
_DETAILSOORTEN: Final = ("POW", "GAL", "TUS", "HOE", "BEN", "BOV", "MAI", "POF")
_LABELS: Final = ("A+++", "A++", "A+", "A", "A", "B", "B", "C", "C", "D", "E", "F", "G")
_LETTERS: Final = "ABCEGHJKLMNPRTVWXZ"  # no SA/SD/SS can come out of these pairs


def generate_units(
    count: int,
    *,
    seed: int = 1,
    corporatie: str = "woonstee",
    first: int = 1,
    vrijgemeld: datetime = datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
) -> list[dict[str, str | None]]:
    """`count` plausible vacant units (records as element name -> text), the same for the same seed."""
    rng = random.Random(seed)  # noqa: S311 - test data, not cryptography
    units: list[dict[str, str | None]] = []
    for n in range(first, first + count):
        gemeente_code, gemeente, postcode_base = rng.choice(_GEMEENTEN)
        kamers = rng.randint(1, 5)
        kale_huur = Decimal(rng.randint(45000, 90000)) / 100
        service = Decimal(rng.choice((0, 1500, 2250, 3500, 4800))) / 100
        daeb = kale_huur <= Decimal("879.66")
        etage = rng.choice((0, 0, 1, 2, 3, 4, 7))
        min_personen = 1 if kamers <= 2 else 2
        units.append(
            {
                "EenheidNummer": f"WS-{n:06d}",
                "CorporatieCode": corporatie,
                "EenheidSoort": "WOO",
                "DetailSoort": rng.choice(_DETAILSOORTEN),
                "Straat": rng.choice(_STRATEN),
                "Huisnummer": str(rng.randint(1, 250)),
                "Huisletter": rng.choice((None, None, None, "a", "b")),
                "Toevoeging": None,
                "Postcode": f"{postcode_base + rng.randint(0, 40)}{rng.choice(_LETTERS)}{rng.choice(_LETTERS)}",
                "Plaats": gemeente,
                "WoonplaatsCode": None,
                "GemeenteCode": gemeente_code,
                "GemeenteNaam": gemeente,
                "Kamers": str(kamers),
                "Oppervlakte": f"{rng.randint(28, 130)}.{rng.randint(0, 9)}",
                "Verdieping": str(etage),
                "Lift": "true" if etage >= 3 else "false",
                "KaleHuur": f"{kale_huur:.2f}",
                "Servicekosten": f"{service:.2f}" if service else None,
                "Rekenhuur": f"{kale_huur + service:.2f}",
                "Daeb": "true" if daeb else "false",
                "Energielabel": rng.choice(_LABELS),
                "Doelgroep": rng.choice((None, "GEZ", "SEN", "JON", "EEN")),
                "MinPersonen": str(min_personen),
                "MaxPersonen": str(kamers + 2),
                "MinLeeftijd": None,
                "MaxLeeftijd": None,
                "MinInkomen": None,
                "MaxInkomen": None,
                "Binding": rng.choice((None, None, "REG", "KRN")),
                "BeschikbaarPer": (date(2026, 4, 1) + timedelta(days=rng.randint(0, 60))).isoformat(),
                "Toewijzingsmodel": rng.choice(("AAN", "AAN", "LOT")),
                "VrijgemeldOp": (vrijgemeld + timedelta(minutes=n)).isoformat().replace("+00:00", "Z"),
            }
        )
    return units


# --- the simulated ERP --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Change:
    seq: int
    kind: Literal["unit", "contract"]
    key: str


class _Refusal(Exception):
    """A request the ERP refuses with a SOAP fault."""

    def __init__(self, kind: FaultKind, reason: str, code: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.code = code


def _local(element: Any) -> str:
    return str(etree.QName(element).localname)


def _texts(element: Any) -> dict[str, str]:
    return {_local(child): (child.text or "").strip() for child in element if isinstance(child.tag, str)}


class ErpSimulator:
    """The ERP's state and its Starlette `app`. Thread-safe: tests steer it while uvicorn serves it."""

    def __init__(
        self,
        *,
        units: int = 0,
        seed: int = 1,
        corporatie: str = "woonstee",
        auto_sign: bool = True,
        check_units: bool = True,
        username: str | None = None,
        password: str | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.corporatie = corporatie
        self.auto_sign = auto_sign
        self.check_units = check_units
        self.username = username
        self.password = password
        self.clock = clock or (lambda: datetime.now(UTC))
        self.faults = FaultPlan()
        self.ledger = Ledger()
        self.requests: list[tuple[str, str]] = []  # (operation, wsa:MessageID), in arrival order
        self._lock = threading.Lock()
        self._units: dict[str, dict[str, str | None]] = {}
        self._vacant: dict[str, int] = {}  # EenheidNummer -> seq of its vacancy
        self._contracts: dict[str, dict[str, str | None]] = {}
        self._changes: list[_Change] = []
        self._references: dict[str, str] = {}  # wsa:MessageID -> Referentie
        self._allocations: dict[str, dict[str, str]] = {}  # Referentie -> the Toewijzing's texts
        self._allocated_units: dict[str, str] = {}  # EenheidNummer -> Referentie
        self._soap_faults: deque[FaultKind] = deque()
        self._schema = etree.XMLSchema(etree.parse(str(XSD_PATH), parser=etree.XMLParser(no_network=True)))
        self.app = self._build_app()
        if units:
            self.seed(units, seed=seed)

    # --- steering (from tests and the demo) -----------------------------------------------------------

    @contextmanager
    def running(self, port: int | None = None) -> Iterator[SimulatorServer]:
        """Serve this ERP on 127.0.0.1 (a free port unless given); yields the server (`.url`)."""
        with SimulatorServer(self.app, port=port).running() as server:
            yield server

    def reset(self, *, units: int = 0, seed: int = 1) -> None:
        """Forget everything (units, leases, allocations, faults, requests), then seed `units` again."""
        with self._lock:
            self._units.clear()
            self._vacant.clear()
            self._contracts.clear()
            self._changes.clear()
            self._references.clear()
            self._allocations.clear()
            self._allocated_units.clear()
            self._soap_faults.clear()
            self.requests.clear()
            self.ledger.clear()
            self.faults.clear()
        if units:
            self.seed(units, seed=seed)

    def add_unit(self, record: Mapping[str, str | None]) -> int:
        """Report a unit as vacant (a new change); returns the change number."""
        number = record["EenheidNummer"]
        if not number:
            raise ValueError("a unit needs an EenheidNummer")
        with self._lock:
            seq = self._next_seq()
            self._units[number] = dict(record)
            self._vacant[number] = seq
            self._changes.append(_Change(seq, "unit", number))
            return seq

    def seed(self, count: int, *, seed: int = 1) -> list[str]:
        """Add `count` generated vacant units (numbered after the ones already there)."""
        units = generate_units(count, seed=seed, corporatie=self.corporatie, first=len(self._units) + 1)
        for unit in units:
            self.add_unit(unit)
        return [str(u["EenheidNummer"]) for u in units]

    def fail_next_soap(self, kind: FaultKind, count: int = 1) -> None:
        """Answer the next `count` SOAP requests with a Client or Server fault."""
        with self._lock:
            self._soap_faults.extend([kind] * count)

    def sign(self, referentie: str) -> dict[str, str | None]:
        """Sign the lease of an allocation (when `auto_sign` is off); returns the lease record."""
        with self._lock:
            return self._sign(referentie)

    def allocations(self) -> list[dict[str, str]]:
        """Each stored allocation once, in arrival order (duplicates had no effect)."""
        with self._lock:
            return [dict(self._allocations[str(r.body)]) for r in self.ledger.effects("toewijzing")]

    def contracts(self) -> list[dict[str, str | None]]:
        with self._lock:
            return [dict(c) for c in self._contracts.values()]

    def vacant_units(self) -> list[dict[str, str | None]]:
        with self._lock:
            return [dict(self._units[n]) for n in sorted(self._vacant, key=self._vacant.__getitem__)]

    # --- internals ------------------------------------------------------------------------------------

    def _next_seq(self) -> int:
        return len(self._changes) + 1

    def _sign(self, referentie: str) -> dict[str, str | None]:
        allocation = self._allocations.get(referentie)
        if allocation is None:
            raise KeyError(f"no allocation with reference {referentie!r}")
        for signed in self._contracts.values():
            if signed["ToewijzingReferentie"] == referentie:
                return dict(signed)
        # An allocation of a unit the ERP does not hold (only with check_units off) takes its figures
        # from the allocation itself.
        unit = self._units.get(allocation["EenheidNummer"]) or {
            "BeschikbaarPer": allocation["Toewijzingsdatum"][:10],
            "KaleHuur": allocation["Rekenhuur"],
        }
        number = f"HC-{len(self._contracts) + 1:06d}"
        contract: dict[str, str | None] = {
            "ContractNummer": number,
            "CorporatieCode": allocation["CorporatieCode"],
            "EenheidNummer": allocation["EenheidNummer"],
            "ToewijzingId": allocation["ToewijzingId"],
            "ToewijzingReferentie": referentie,
            "InschrijvingNummer": allocation["InschrijvingNummer"],
            "Status": "LOP",
            "Ingangsdatum": unit["BeschikbaarPer"],
            "KaleHuur": unit["KaleHuur"],
            "OndertekendOp": self.clock().astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "CorrelatieId": allocation.get("CorrelatieId"),
        }
        self._contracts[number] = contract
        self._changes.append(_Change(self._next_seq(), "contract", number))
        return dict(contract)

    def _build_app(self) -> Starlette:
        async def erp(request: Request) -> Response:
            if request.method == "GET":
                if "wsdl" in request.query_params or request.url.query == "wsdl":
                    base = str(request.base_url).rstrip("/")
                    text = WSDL_PATH.read_text(encoding="utf-8").replace(_WSDL_ADDRESS, f"{base}/erp")
                    return Response(text, media_type=CONTENT_TYPE)
                return Response("GET /erp?wsdl for the WSDL; SOAP requests are POSTed", status_code=404)
            return await self._serve(request)

        async def xsd(request: Request) -> Response:
            return Response(XSD_PATH.read_bytes(), media_type=CONTENT_TYPE)

        async def soap_fault(request: Request) -> Response:
            body = await request.json()
            self.fail_next_soap(body["fault"], int(body.get("count", 1)))
            return JSONResponse({"queued": list(self._soap_faults)})

        async def sign(request: Request) -> Response:
            body = await request.json()
            try:
                return JSONResponse(self.sign(str(body["referentie"])))
            except KeyError:
                return JSONResponse({"error": "unknown referentie"}, status_code=404)

        async def seed(request: Request) -> Response:
            body = await request.json()
            return JSONResponse({"added": self.seed(int(body.get("count", 1)), seed=int(body.get("seed", 1)))})

        return Starlette(
            routes=[
                Route("/erp", erp, methods=["GET", "POST"]),
                Route("/erp.xsd", xsd),
                Route("/_sim/soap-fault", soap_fault, methods=["POST"]),
                Route("/_sim/sign", sign, methods=["POST"]),
                Route("/_sim/seed", seed, methods=["POST"]),
                *control_routes(self.faults, self.ledger),
            ]
        )

    async def _serve(self, request: Request) -> Response:
        body = await request.body()
        injected = await self.faults.apply(b'<?xml version="1.0"?><soap:Envelope xmlns:soap="', CONTENT_TYPE)
        if injected is not None:
            return injected
        try:
            operation, message_id, payload = self._unwrap(body, request.headers.get("SOAPAction"))
            with self._lock:
                self.requests.append((operation, message_id))
                if self._soap_faults:
                    kind = self._soap_faults.popleft()
                    raise _Refusal(kind, f"simulated {kind} fault", "GESIMULEERD")
                return _ok(self._dispatch(operation, message_id, payload))
        except _Refusal as refusal:
            return fault_response(refusal.kind, refusal.reason, refusal.code)

    def _unwrap(self, body: bytes, soap_action: str | None) -> tuple[str, str, Any]:
        """Check the envelope and its headers; return (operation, wsa:MessageID, the operation element)."""
        try:
            root = parse(body)
        except MappingError as error:
            raise _Refusal("client", f"request is not well-formed XML ({error.location})", "XML_ONGELDIG") from None
        if root.tag != f"{{{SOAP_ENV}}}Envelope":
            raise _Refusal("client", "request is not a SOAP 1.1 envelope", "GEEN_ENVELOPE")
        header = root.find(f"{{{SOAP_ENV}}}Header")
        soap_body = root.find(f"{{{SOAP_ENV}}}Body")
        if soap_body is None or len(soap_body) != 1:
            raise _Refusal("client", "the SOAP body must hold exactly one operation element", "GEEN_OPERATIE")
        payload = soap_body[0]
        operation = _local(payload)
        action = header.findtext(f"{{{WSA_NS}}}Action") if header is not None else None
        message_id = header.findtext(f"{{{WSA_NS}}}MessageID") if header is not None else None
        if not action or not message_id:
            raise _Refusal("client", "wsa:Action and wsa:MessageID are required", "WSA_ONTBREEKT")
        if action.strip() != action_for(operation) or (soap_action or "").strip('"') != action.strip():
            raise _Refusal("client", "wsa:Action and SOAPAction must both name the operation", "ACTIE_ONJUIST")
        if self.username is not None:
            self._authenticate(header)
        if not self._schema.validate(payload):
            last = self._schema.error_log.last_error  # type: ignore[attr-defined]  # missing from lxml-stubs
            line = last.line if last is not None else None
            raise _Refusal("client", f"request does not match erp.xsd (line {line})", "SCHEMA")
        return operation, message_id.strip(), payload

    def _authenticate(self, header: Any) -> None:
        token = header.find(f"{{{WSSE_NS}}}Security/{{{WSSE_NS}}}UsernameToken")
        username = token.findtext(f"{{{WSSE_NS}}}Username") if token is not None else None
        password = token.findtext(f"{{{WSSE_NS}}}Password") if token is not None else None
        if username != self.username or password != self.password:
            # A Client subcode: the caller must fix its credentials, repeating will not help.
            raise _Refusal("client", "authentication failed", "AUTHENTICATIE")

    def _dispatch(self, operation: str, message_id: str, payload: Any) -> bytes:
        texts = _texts(payload)
        limit = int(texts.get("MaxAantal") or 1000)
        since = self._cursor(texts.get("Sinds"))
        if operation == "GetVacantUnits":
            vacant = sorted((seq, n) for n, seq in self._vacant.items() if seq > since)
            page = vacant[:limit]
            cursor = str(page[-1][0]) if page else str(since)
            return vacant_units_response((self._units[n] for _, n in page), cursor, len(vacant) > limit)
        if operation == "GetChangesSince":
            changes = [c for c in self._changes if c.seq > since]
            page_changes = changes[:limit]
            cursor = str(page_changes[-1].seq) if page_changes else str(since)
            items = [
                ("unit", self._units[c.key]) if c.kind == "unit" else ("contract", self._contracts[c.key])
                for c in page_changes
            ]
            return changes_response(items, cursor, len(changes) > limit)  # type: ignore[arg-type]
        if operation == "GetContracts":
            referentie = texts.get("ToewijzingReferentie")
            signed = [c for c in self._changes if c.kind == "contract" and c.seq > since]
            if referentie:
                signed = [c for c in signed if self._contracts[c.key]["ToewijzingReferentie"] == referentie]
            page_contracts = signed[:limit]
            cursor = str(page_contracts[-1].seq) if page_contracts else str(since)
            return contracts_response((self._contracts[c.key] for c in page_contracts), cursor, len(signed) > limit)
        if operation == "PutToewijzing":
            return self._put(message_id, payload)
        raise _Refusal("client", "unknown operation", "OPERATIE_ONBEKEND")

    @staticmethod
    def _cursor(text: str | None) -> int:
        if not text:
            return 0
        if not text.isdigit():
            raise _Refusal("client", "Sinds is not a cursor this ERP handed out", "CURSOR_ONGELDIG")
        return int(text)

    def _put(self, message_id: str, payload: Any) -> bytes:
        referentie = self._references.get(message_id)
        if referentie is not None:
            self.ledger.record(message_id, "toewijzing", referentie)  # counts the duplicate, no effect
            return _put_response(referentie, duplicate=True)
        toewijzing = _texts(payload[0])
        unit = toewijzing["EenheidNummer"]
        if self.check_units:
            if unit not in self._units:
                raise _Refusal("client", "unknown unit", "EENHEID_ONBEKEND")
            if unit in self._allocated_units:
                raise _Refusal("client", "unit is already allocated", "EENHEID_TOEGEWEZEN")
        referentie = f"TW-{len(self._allocations) + 1:06d}"
        self._references[message_id] = referentie
        self._allocations[referentie] = toewijzing
        self._allocated_units[unit] = referentie
        self._vacant.pop(unit, None)
        self.ledger.record(message_id, "toewijzing", referentie)
        if self.auto_sign:
            self._sign(referentie)
        return _put_response(referentie, duplicate=False)


def _put_response(referentie: str, *, duplicate: bool) -> bytes:
    text = (
        f"{_HEAD}    <erp:PutToewijzingResponse>\n      <erp:Referentie>{escape(referentie)}</erp:Referentie>\n"
        f"      <erp:Dubbel>{str(duplicate).lower()}</erp:Dubbel>\n    </erp:PutToewijzingResponse>\n{_TAIL}"
    )
    return text.encode("utf-8")


def main(argv: list[str] | None = None) -> None:
    """Run a simulated ERP on 127.0.0.1 until interrupted."""
    parser = argparse.ArgumentParser(description="Simulated Woonstee ERP (SOAP 1.1)")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--units", type=int, default=100, help="generated vacant units to start with")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corporatie", default="woonstee")
    args = parser.parse_args(argv)
    simulator = ErpSimulator(units=args.units, seed=args.seed, corporatie=args.corporatie)
    server = SimulatorServer(simulator.app, port=args.port)
    print(f"Woonstee ERP simulator: {server.url}/erp?wsdl ({args.units} vacant units)")
    with server.running():
        threading.Event().wait()


if __name__ == "__main__":
    main()
