"""A code is valid on the day its message speaks of: VERA gives each code a validity (begin inclusive, end
exclusive), and a message refuses every code of its payload that is not valid on its own `occurredAt`
(as a Dutch calendar day), all of them at once, each with its list and validity."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from adapters.vera import mapping
from adapters.vera.mapping import DecodeContext
from schemas import AanvullendeDoelgroep, EenheidVrijgekomen, MessageSource, ToewijzingGedaan, VoorrangsregelingStatus
from tests import factories as f

SOURCE = MessageSource(tenant="corp-a", system="vera")


def _envelope(occurred_at: datetime | str) -> dict[str, Any]:
    stamp = occurred_at if isinstance(occurred_at, str) else occurred_at.isoformat()
    return {"correlationId": "flow-1", "source": SOURCE.model_dump(), "occurredAt": stamp}


def _toewijzing(status: str, occurred_at: datetime) -> ToewijzingGedaan:
    """Validated from its JSON form, as every message that comes in is (a model built in code is not
    validated again)."""
    regeling = {
        "soort": {"code": "URG"},
        "detailSoort": {"code": "MED"},
        "status": {"code": status},
        "begindatum": "2025-11-01T00:00:00Z",
    }
    payload = f.toewijzing().model_dump(mode="json") | {"voorrangsregelingen": [regeling]}
    return ToewijzingGedaan.model_validate({**_envelope(occurred_at), "payload": payload})


def _vacancy(doelgroep: str, occurred_at: datetime) -> EenheidVrijgekomen:
    unit = f.eenheid().model_dump(mode="json") | {"aanvullendeDoelgroep": {"code": doelgroep}}
    return EenheidVrijgekomen.model_validate({**_envelope(occurred_at), "payload": {"eenheid": unit}})


def test_a_code_is_refused_before_vera_introduced_it_and_taken_from_that_day() -> None:
    assert VoorrangsregelingStatus.GEC.periods[0][0] is not None  # VERA: from 27-03-2026
    with pytest.raises(ValidationError) as refused:
        _toewijzing("GEC", datetime(2026, 3, 26, 12, tzinfo=UTC))
    text = str(refused.value)
    assert "VOORRANGSREGELINGSTATUS.GEC (from 2026-03-27)" in text
    assert "2026-03-26" in text
    assert _toewijzing("GEC", datetime(2026, 3, 27, 12, tzinfo=UTC)).payload.voorrangsregelingen


def test_the_message_date_is_the_dutch_calendar_day() -> None:
    """23:30 UTC on 26 March is already 27 March in Amsterdam (UTC+1): the code is valid."""
    assert _toewijzing("GEC", datetime(2026, 3, 26, 23, 30, tzinfo=UTC)).payload.voorrangsregelingen
    with pytest.raises(ValidationError):
        _toewijzing("GEC", datetime(2026, 3, 26, 22, 30, tzinfo=UTC))


def test_an_expired_code_is_refused_after_its_end() -> None:
    oud = AanvullendeDoelgroep.OUD  # VERA: until 8-9-2023 (end exclusive)
    assert oud.periods == ((None, oud.periods[0][1]),)
    assert _vacancy("OUD", datetime(2023, 9, 7, 12, tzinfo=UTC)).payload.eenheid.aanvullende_doelgroep is oud
    with pytest.raises(ValidationError) as refused:
        _vacancy("OUD", datetime(2023, 9, 8, 12, tzinfo=UTC))
    assert "AANVULLENDEDOELGROEP.OUD (until 2023-09-08)" in str(refused.value)


def test_codes_without_dates_are_valid_on_any_day() -> None:
    for year in (2024, 2026, 2090):
        assert _vacancy("STH", datetime(year, 1, 1, 12, tzinfo=UTC))


def test_every_code_not_valid_on_the_day_is_named_at_once() -> None:
    regelingen = [
        {"soort": {"code": "URG"}, "status": {"code": "AAN"}, "begindatum": "2025-11-01T00:00:00Z"},
        {"soort": {"code": "URG"}, "status": {"code": "GEC"}, "begindatum": "2025-11-01T00:00:00Z"},
    ]
    payload = f.toewijzing().model_dump(mode="json") | {"voorrangsregelingen": regelingen}
    with pytest.raises(ValidationError) as refused:
        ToewijzingGedaan.model_validate({**_envelope("2025-01-01T12:00:00Z"), "payload": payload})
    text = str(refused.value)
    assert "VOORRANGSREGELINGSTATUS.AAN (from 2026-03-27)" in text
    assert "VOORRANGSREGELINGSTATUS.GEC (from 2026-03-27)" in text


def test_a_vendor_document_with_a_code_not_yet_valid_is_one_located_refusal() -> None:
    body = mapping.encode(_toewijzing("GEC", datetime(2026, 4, 1, 12, tzinfo=UTC))).body
    assert isinstance(body, dict)
    for entry in body["extra-attributen"]:  # the vendor's copy speaks of 2 March
        if entry["naam"] == "woonbrug.bericht.occurredAt":
            entry["waarde"] = "2026-03-02T09:00:00Z"
    [refused] = mapping.decode_records(
        body, resource=None, context=DecodeContext(source=SOURCE, received_at=datetime(2026, 3, 2, tzinfo=UTC))
    )
    assert isinstance(refused, Exception)
    assert "VOORRANGSREGELINGSTATUS.GEC" in str(refused)
