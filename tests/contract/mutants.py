"""Broken variants (mutants) of the three shipped adapters, for the kit's self-test (test_mutants.py).

Each mutant is one realistic bug, the kind that survived the kit before it had outbound checks: a mapping
bug in what goes out (a rent one cent off, two amounts swapped, an optional field dropped, a wrong or
lower-case code, a time without its zone or in local time, a file in the wrong encoding, an empty or
swapped column), a poll that never reads past page one, a delivery that sends something else than
encode() writes, and a retry under a new idempotency key. Each keeps its base adapter's shipped kit hooks
(`contract_hooks`), exactly as the base adapter would be tested.

Mapping bugs are made by changing the message (or the payload) on its way through `encode` and
`deliver`, as a bug in the shared mapping function would.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from adapters import DeliveryReceipt, PollResult, VendorPayload
from adapters.csv import CsvAdapter
from adapters.soap_erp import SoapErpAdapter
from adapters.vera import VeraAdapter
from schemas import Message, ToewijzingGedaan

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _cent_more(amount: Any) -> Any:
    return amount + Decimal("0.01") if isinstance(amount, Decimal) else round(amount + 0.01, 2)


def _payload_update(message: Message, **changes: Any) -> Message:
    return message.model_copy(update={"payload": message.payload.model_copy(update=changes)})


class _MessageMutant:
    """Changes each ToewijzingGedaan before encode() and deliver() see it (a bug in the shared mapping)."""

    def mutate(self, message: Message) -> Message:
        raise NotImplementedError

    def encode(self, message: Message) -> VendorPayload:
        return super().encode(self._maybe(message))  # type: ignore[misc]

    def encode_many(self, messages: Any) -> VendorPayload:
        return super().encode_many([self._maybe(m) for m in messages])  # type: ignore[misc]

    async def deliver(self, message: Message, *, idempotency_key: str) -> DeliveryReceipt:
        return await super().deliver(self._maybe(message), idempotency_key=idempotency_key)  # type: ignore[misc,no-any-return]

    def _maybe(self, message: Message) -> Message:
        return self.mutate(message) if isinstance(message, ToewijzingGedaan) else message


# --- SOAP ERP: PutToewijzing ------------------------------------------------------------------------


class SoapRentPlusCent(_MessageMutant, SoapErpAdapter):
    contract_hooks: ClassVar[str] = "adapters.soap_erp.contract"

    def mutate(self, message: Message) -> Message:
        return _payload_update(message, rekenhuur=_cent_more(message.payload.rekenhuur))  # type: ignore[attr-defined]


class SoapSwappedAmounts(_MessageMutant, SoapErpAdapter):
    contract_hooks: ClassVar[str] = "adapters.soap_erp.contract"

    def mutate(self, message: Message) -> Message:
        payload: Any = message.payload
        return _payload_update(message, rekenhuur=payload.rekeninkomen, rekeninkomen=payload.rekenhuur)


class SoapDroppedOptionalField(_MessageMutant, SoapErpAdapter):
    contract_hooks: ClassVar[str] = "adapters.soap_erp.contract"

    def mutate(self, message: Message) -> Message:
        return _payload_update(message, aanvullende_doelgroep=None)


class SoapWrongCode(_MessageMutant, SoapErpAdapter):
    contract_hooks: ClassVar[str] = "adapters.soap_erp.contract"

    def encode(self, message: Message) -> VendorPayload:
        payload = super().encode(message)
        return VendorPayload(
            payload.body.replace(b">NIE</ns0:Passendheid>", b">PAS</ns0:Passendheid>"),
            payload.content_type,
            payload.metadata,
        )

    def mutate(self, message: Message) -> Message:
        return message


class SoapLostTimezone(SoapErpAdapter):
    contract_hooks: ClassVar[str] = "adapters.soap_erp.contract"

    def encode(self, message: Message) -> VendorPayload:
        payload = super().encode(message)
        return VendorPayload(
            payload.body.replace(b"Z</ns0:Toewijzingsdatum>", b"</ns0:Toewijzingsdatum>"),
            payload.content_type,
            payload.metadata,
        )


class _SoapEnvelopeMutant(SoapErpAdapter):
    """A request envelope rewritten after zeep built it: the bytes `old` become `new`."""

    contract_hooks: ClassVar[str] = "adapters.soap_erp.contract"
    old: ClassVar[bytes]
    new: ClassVar[bytes]

    def encode(self, message: Message) -> VendorPayload:
        payload = super().encode(message)
        return VendorPayload(payload.body.replace(self.old, self.new), payload.content_type, payload.metadata)


class SoapVersion12Envelope(_SoapEnvelopeMutant):
    old = b"http://schemas.xmlsoap.org/soap/envelope/"
    new = b"http://www.w3.org/2003/05/soap-envelope"


class SoapWrongAction(_SoapEnvelopeMutant):
    old = b"v1/PutToewijzing</wsa:Action>"
    new = b"v1/GetContracts</wsa:Action>"


class SoapMissingMessageId(_SoapEnvelopeMutant):
    old = b"wsa:MessageID"
    new = b"wsa:RelatesTo"


class SoapWrongOperationElement(_SoapEnvelopeMutant):
    old = b"ns0:PutToewijzing"
    new = b"ns0:GetContracts"


class SoapPagingNeverPastPageOne(SoapErpAdapter):
    contract_hooks: ClassVar[str] = "adapters.soap_erp.contract"

    async def poll(self, cursor: str | None) -> PollResult:
        result = await super().poll(cursor)
        return PollResult(result.messages, result.rejects, cursor)  # the cursor never moves on


# --- CSV exports ------------------------------------------------------------------------------------


def _rewrite_csv(payload: VendorPayload, change: Any) -> VendorPayload:
    text = payload.body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    change(rows)
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return VendorPayload(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"), payload.content_type, payload.metadata)


class _CsvPayloadMutant(CsvAdapter):
    contract_hooks: ClassVar[str] = "adapters.csv.contract"

    def mutate_payload(self, payload: VendorPayload) -> VendorPayload:
        raise NotImplementedError

    def encode(self, message: Message) -> VendorPayload:
        return self.mutate_payload(super().encode(message))

    def encode_many(self, messages: Any) -> VendorPayload:
        return self.mutate_payload(super().encode_many(messages))


class CsvWrongEncoding(_CsvPayloadMutant):
    def mutate_payload(self, payload: VendorPayload) -> VendorPayload:
        text = payload.body.decode("utf-8-sig")
        return VendorPayload(text.encode("windows-1252"), payload.content_type, payload.metadata)


class CsvEmptyColumn(_CsvPayloadMutant):
    def mutate_payload(self, payload: VendorPayload) -> VendorPayload:
        def blank(rows: list[list[str]]) -> None:
            column = rows[0].index("Rekenhuur") if "Rekenhuur" in rows[0] else 1
            for row in rows[1:]:
                row[column] = ""

        return _rewrite_csv(payload, blank)


class CsvSwappedColumns(_CsvPayloadMutant):
    def mutate_payload(self, payload: VendorPayload) -> VendorPayload:
        def swap(rows: list[list[str]]) -> None:
            header = rows[0]
            if "Rekeninkomen" in header and "Rekenhuur" in header:
                a, b = header.index("Rekeninkomen"), header.index("Rekenhuur")
            else:
                a, b = 1, 2
            for row in rows[1:]:
                row[a], row[b] = row[b], row[a]

        return _rewrite_csv(payload, swap)


class CsvUtcWrittenAsLocal(_MessageMutant, CsvAdapter):
    contract_hooks: ClassVar[str] = "adapters.csv.contract"

    def mutate(self, message: Message) -> Message:
        datum: datetime = message.payload.datum  # type: ignore[attr-defined]
        offset = datum.astimezone(AMSTERDAM).utcoffset()
        assert offset is not None
        return _payload_update(message, datum=datum - offset)  # written in local time, its digits are UTC's


# --- VERA ---------------------------------------------------------------------------------------------


class VeraLowerCaseCode(VeraAdapter):
    contract_hooks: ClassVar[str] = "adapters.vera.contract"

    def encode(self, message: Message) -> VendorPayload:
        payload = super().encode(message)
        body = json.loads(payload.body)
        if isinstance(body, dict) and isinstance(body.get("status"), dict) and "code" in body["status"]:
            body["status"]["code"] = str(body["status"]["code"]).lower()
        return VendorPayload(json.dumps(body).encode(), payload.content_type, payload.metadata)


class VeraPagingNeverPastPageOne(VeraAdapter):
    contract_hooks: ClassVar[str] = "adapters.vera.contract"

    async def _read_pages(self, resource: str, cursor: str | None) -> Any:
        records, _following, failure = await super()._read_pages(resource, cursor)  # type: ignore[misc]
        return records[: self.config.page_size], cursor, failure


class VeraRetryWithNewKey(VeraAdapter):
    contract_hooks: ClassVar[str] = "adapters.vera.contract"

    async def deliver(self, message: Message, *, idempotency_key: str) -> DeliveryReceipt:
        receipt = await super().deliver(message, idempotency_key=f"attempt-{uuid.uuid4()}")
        return DeliveryReceipt(idempotency_key, status=receipt.status, duplicate=receipt.duplicate)


class VeraDeliversAnotherRent(VeraAdapter):
    """encode() is right; deliver() builds its own body, one cent off: only the wire shows it."""

    contract_hooks: ClassVar[str] = "adapters.vera.contract"

    async def deliver(self, message: Message, *, idempotency_key: str) -> DeliveryReceipt:
        if isinstance(message, ToewijzingGedaan):
            message = _payload_update(message, rekenhuur=_cent_more(message.payload.rekenhuur))  # type: ignore[assignment]
        return await super().deliver(message, idempotency_key=idempotency_key)
