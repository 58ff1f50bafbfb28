"""The golden cases of the SOAP ERP adapter, both directions.

- `golden/decode/<case>.vendor.xml` are response envelopes as the Woonstee ERP sends them, written by
  hand (padded texts, other prefixes, offsets other than Z); `<case>.canonical.json` is what `decode`
  makes of them. This folder follows the contract kit's fixture layout, so the kit can use it as is.
- `ENCODE_CASES` are `toewijzing.gedaan` messages built in code with a fixed envelope;
  `golden/encode/<case>.canonical.json` is the message and `<case>.vendor.xml` the PutToewijzing request
  `encode` makes of it. Nothing in that request is generated: wsa:MessageID is the message id.

Regenerate after an intended change: `python -m tests.adapters.soap_erp.regenerate_golden`, then review
`git diff tests/adapters/soap_erp/golden`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from schemas import MessageSource, ToewijzingGedaan
from tests import factories as f

GOLDEN = Path(__file__).resolve().parent / "golden"
DECODE = GOLDEN / "decode"
ENCODE = GOLDEN / "encode"
GATEWAY = MessageSource(tenant="regio-arnhem-nijmegen", system="woonbrug")


def decode_cases() -> list[str]:
    return sorted(path.name.removesuffix(".vendor.xml") for path in DECODE.glob("*.vendor.xml"))


def _toewijzing_passend() -> ToewijzingGedaan:
    return ToewijzingGedaan(
        message_id="6a1f0c52-2b7e-4c55-9d0a-5b8f3e2d1c40",
        correlation_id="flow-7f3a9c",
        causation_id="aanbieding-geaccepteerd-5001",
        source=GATEWAY,
        occurred_at=datetime(2026, 3, 14, 12, 0, 5, tzinfo=UTC),
        payload=f.toewijzing(id="T-6001", idOrganisatie="woonstee", eenheid={"id": "WS-001204", "code": "1204"}),
    )


def _toewijzing_niet_passend() -> ToewijzingGedaan:
    return ToewijzingGedaan(
        message_id="0d4b9e7a-8c21-4f6e-a3b5-7e9c1d2f4a68",
        correlation_id="flow-2c8e11",
        source=GATEWAY,
        occurred_at=datetime(2026, 3, 18, 9, 30, tzinfo=UTC),
        payload=f.toewijzing(
            id="T-6002",
            idOrganisatie="woonstee",
            datum="2026-03-18T10:30:00+01:00",
            eenheid={"id": "WS-000877"},
            huishoudgrootte=4,
            rekeninkomen=38950.5,
            rekenhuur=912.0,
            isOuderenhuishouden=True,
            passendheidsoort={"code": "NIE"},
            passendheiddetailsoort={"code": "HHV"},
            doelgroep={"code": "GEZ"},
            aanvullendeDoelgroep={"code": "STH"},
            voorrangsregelingen=[
                {
                    "soort": {"code": "URG"},
                    "detailSoort": {"code": "MED"},
                    "begindatum": "2025-11-01T00:00:00+01:00",
                    "einddatum": "2026-11-01T00:00:00+01:00",
                },
                {"soort": {"code": "BIN"}, "begindatum": "2019-05-01T00:00:00Z"},
            ],
        ),
    )


ENCODE_CASES: dict[str, Callable[[], ToewijzingGedaan]] = {
    "toewijzing_passend": _toewijzing_passend,
    "toewijzing_niet_passend": _toewijzing_niet_passend,
}
