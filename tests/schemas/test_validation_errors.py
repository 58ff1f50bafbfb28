"""Bad input is refused with an error that names the field (`errors()[i]["loc"]`), in VERA's camelCase.

Cross-field rules (a response window, a deadline, a non-passend allocation's exception) name a field too:
the later field of the pair, or the one being assigned.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from schemas import (
    Eenheid,
    EenheidVoorwaarden,
    Inschrijving,
    Kandidaat,
    Kandidatenlijst,
    NatuurlijkPersoon,
    PassendheidDetailSoort,
    PassendheidSoort,
    PublicatieAangeboden,
    Reclamatie,
    Sanctie,
    Voorrangsregeling,
)
from tests import factories


def locs(error: ValidationError) -> list[tuple[str | int, ...]]:
    return [tuple(line["loc"]) for line in error.errors()]


def refused(build: Any, *args: Any, **kwargs: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        build(*args, **kwargs)
    return caught.value


def adres(**changes: Any) -> dict[str, Any]:
    return {**factories.eenheid().model_dump(mode="json")["adres"], **changes}


# --- Dutch types ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("postcode", ["0123 AB", "6511 SA", "6511 SD", "6511 SS", "65111AB", "6511 A", "6511-AB", ""])
def test_invalid_postcode_names_the_field(postcode: str) -> None:
    error = refused(factories.eenheid, adres=adres(postcode=postcode))
    assert locs(error) == [("adres", "postcode")]
    assert error.errors()[0]["type"] == "postcode"


@pytest.mark.parametrize(
    ("raw", "normalised"), [("6511ab", "6511 AB"), ("6511 ab", "6511 AB"), (" 6511AB ", "6511 AB")]
)
def test_postcode_is_normalised(raw: str, normalised: str) -> None:
    assert factories.eenheid(adres=adres(postcode=raw)).adres.postcode == normalised


@pytest.mark.parametrize("bsn", ["111222334", "123456789", "000000000", "11122233", "1112223333", "11122233a"])
def test_bsn_failing_the_11_check_names_the_field(bsn: str) -> None:
    error = refused(factories.inschrijving, aanvrager=factories.persoon(bsn=bsn))
    assert locs(error) == [("aanvrager", "bsn")]
    assert error.errors()[0]["type"] == "bsn"


def test_a_valid_bsn_is_accepted() -> None:
    assert factories.inschrijving().aanvrager.bsn is not None


def test_a_bsn_must_be_text() -> None:
    assert locs(refused(NatuurlijkPersoon.model_validate, factories.persoon(bsn=111222333))) == [("bsn",)]


# --- Amounts -------------------------------------------------------------------------------------------


def test_negative_rent_names_the_field() -> None:
    error = refused(factories.eenheid, rekenhuur=-675.25)
    assert locs(error) == [("rekenhuur",)]
    assert "negative" in error.errors()[0]["msg"]


@pytest.mark.parametrize("amount", [675.255, "675.255", Decimal("675.255"), 0.001])
def test_amount_with_three_decimals_names_the_field(amount: Any) -> None:
    error = refused(factories.eenheid, rekenhuur=amount)
    assert locs(error) == [("rekenhuur",)]


def test_nested_amount_names_its_path() -> None:
    prijzen = [{"soort": {"code": "NET"}, "bedrag": 640.25}, {"soort": {"code": "SER"}, "bedrag": 35.001}]
    assert locs(refused(factories.eenheid, prijscomponenten=prijzen)) == [("prijscomponenten", 1, "bedrag")]


@pytest.mark.parametrize("amount", ["675.25", "675,25", True, float("nan"), float("inf"), 1e9])
def test_amount_is_a_finite_number_below_a_billion(amount: Any) -> None:
    assert locs(refused(factories.eenheid, rekenhuur=amount)) == [("rekenhuur",)]


def test_amounts_accept_decimal_int_and_float_with_cents() -> None:
    for amount, expected in [(Decimal("675.25"), "675.25"), (675, "675.00"), (675.2, "675.20")]:
        assert str(factories.eenheid(rekenhuur=amount).rekenhuur) == expected


# --- Time ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("moment", ["2026-03-02T09:00:00", datetime(2026, 3, 2, 9, 0)])
def test_naive_datetime_names_the_field(moment: Any) -> None:
    error = refused(factories.publicatie, begindatum=moment)
    assert locs(error) == [("begindatum",)]
    assert error.errors()[0]["type"] == "timezone_aware"


def test_aware_datetime_is_kept_in_utc() -> None:
    publicatie = factories.publicatie(begindatum="2026-03-02T10:00:00+01:00")
    assert publicatie.begindatum == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert publicatie.begindatum.tzinfo is UTC
    assert publicatie.model_dump(mode="json")["begindatum"] == "2026-03-02T09:00:00Z"


@pytest.mark.parametrize("field", ["begindatum", "einddatum"])
def test_a_number_is_not_a_timestamp(field: str) -> None:
    assert locs(refused(factories.publicatie, **{field: 1772442000})) == [(field,)]


def test_a_number_is_not_a_date() -> None:
    assert locs(refused(factories.inschrijving, begindatum=0)) == [("begindatum",)]
    assert locs(refused(factories.inschrijving, aanvrager=factories.persoon(geboortedatum=0))) == [
        ("aanvrager", "geboortedatum")
    ]


def test_birth_date_in_the_future_names_the_field() -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    error = refused(factories.inschrijving, aanvrager=factories.persoon(geboortedatum=tomorrow))
    assert locs(error) == [("aanvrager", "geboortedatum")]
    assert "future" in error.errors()[0]["msg"]


def test_birth_date_today_and_before_1900() -> None:
    assert factories.inschrijving(aanvrager=factories.persoon(geboortedatum=date.today().isoformat()))
    error = refused(factories.inschrijving, aanvrager=factories.persoon(geboortedatum="1899-12-31"))
    assert locs(error) == [("aanvrager", "geboortedatum")]


# --- Code lists ----------------------------------------------------------------------------------------


def test_unknown_code_names_the_field_the_list_and_the_allowed_codes() -> None:
    error = refused(factories.publicatie, model={"code": "XYZ", "naam": "Veilingmodel"})
    assert locs(error) == [("model",)]
    message = error.errors()[0]["msg"]
    assert "PUBLICATIEMODEL" in message
    assert all(code in message for code in ("AAN", "LOT", "OPT", "EER"))


def test_code_list_value_must_be_a_referentiedata_object() -> None:
    assert locs(refused(factories.publicatie, model="LOT")) == [("model",)]
    assert locs(refused(factories.publicatie, model={"code": "LOT", "omschrijving": "x"})) == [("model",)]
    assert locs(refused(factories.publicatie, model={"naam": "Lotingmodel"})) == [("model",)]


@pytest.mark.parametrize("code", [["LOT"], {"code": "LOT"}])
def test_a_code_that_is_not_text_is_a_validation_error(code: Any) -> None:
    # A list or object is unhashable: looked up as it came, it escaped as a TypeError.
    assert locs(refused(factories.publicatie, model={"code": code})) == [("model",)]


def test_veras_naam_replaces_a_vendors_abbreviation() -> None:
    publicatie = factories.publicatie(model={"code": "LOT", "naam": "loting"})
    assert publicatie.model_dump(mode="json")["model"] == {"code": "LOT", "naam": "Lotingmodel"}


# --- Strictness ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["3", 3.0, True])
def test_no_coercion_into_an_int(value: Any) -> None:
    assert locs(refused(factories.eenheid, kamersAantal=value)) == [("kamersAantal",)]


def test_no_coercion_into_a_bool() -> None:
    assert locs(refused(factories.eenheid, lift="true")) == [("lift",)]
    assert locs(refused(factories.eenheid, lift=1)) == [("lift",)]


def test_string_where_int_is_expected_in_json_too() -> None:
    data = factories.eenheid().model_dump(mode="json")
    data["kamersAantal"] = "3"
    error = refused(Eenheid.model_validate_json, json.dumps(data))
    assert locs(error) == [("kamersAantal",)]


def test_unknown_extra_field_is_refused_by_name() -> None:
    error = refused(factories.eenheid, huisdierenToegestaan=True)
    assert locs(error) == [("huisdierenToegestaan",)]
    assert error.errors()[0]["type"] == "extra_forbidden"


def test_unknown_nested_field_is_refused_by_path() -> None:
    assert locs(refused(factories.eenheid, adres=adres(bus="3"))) == [("adres", "bus")]


def test_snake_case_names_are_accepted_too() -> None:
    eenheid = factories.eenheid()
    assert Eenheid.model_validate(eenheid.model_dump(by_alias=False)) == eenheid


# --- Cross-field rules name a field --------------------------------------------------------------------


def test_einddatum_before_begindatum_in_publicatie_names_einddatum() -> None:
    error = refused(factories.publicatie, begindatum="2026-03-09T09:00:00Z", einddatum="2026-03-02T09:00:00Z")
    assert locs(error) == [("einddatum",)]
    assert "einddatum must be after begindatum" in error.errors()[0]["msg"]


def test_empty_response_window_is_refused() -> None:
    assert locs(refused(factories.publicatie, einddatum="2026-03-02T09:00:00Z")) == [("einddatum",)]


def test_assigning_a_begindatum_after_the_einddatum_names_begindatum() -> None:
    publicatie = factories.publicatie()
    error = refused(setattr, publicatie, "begindatum", datetime(2026, 4, 1, tzinfo=UTC))
    assert locs(error) == [("begindatum",)]
    assert publicatie.begindatum == datetime(2026, 3, 2, 9, 0, tzinfo=UTC), "the model is left unchanged"


def test_eenheid_of_another_corporation_names_eenheden() -> None:
    error = refused(factories.publicatie, idOrganisatie="corp-b")
    assert locs(error) == [("eenheden",)]


def test_nie_toewijzing_without_detail_soort_is_a_letting_in_the_free_room() -> None:
    # Issue 17: the 5% free room of passend toewijzen (Woningwet art. 46) needs no reason code, so a
    # non-passend toewijzing without passendheiddetailsoort is accepted (it was refused).
    nie = factories.toewijzing(passendheidsoort={"code": "NIE"})
    assert nie.passendheiddetailsoort is None


def test_detail_soort_only_for_nie() -> None:
    error = refused(factories.toewijzing, passendheiddetailsoort={"code": "HER"})
    assert locs(error) == [("passendheiddetailsoort",)]
    nie = factories.toewijzing(passendheidsoort={"code": "NIE"}, passendheiddetailsoort={"code": "HER"})
    assert nie.passendheiddetailsoort is PassendheidDetailSoort.HER


def test_assigning_passend_to_a_nie_toewijzing_names_passendheidsoort() -> None:
    toewijzing = factories.toewijzing(passendheidsoort={"code": "NIE"}, passendheiddetailsoort={"code": "HER"})
    assert locs(refused(setattr, toewijzing, "passendheidsoort", PassendheidSoort.PAS)) == [("passendheidsoort",)]


def test_deadline_before_offer_names_reagerenvoor() -> None:
    error = refused(factories.aanbieding, reagerenVoor="2026-03-10T08:59:59Z")
    assert locs(error) == [("reagerenVoor",)]


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (Sanctie, {"id": "S1", "soort": {"code": "MIL"}, "status": {"code": "DEF"}, "inschrijving": {"id": "I"}}),
        (Reclamatie, {"id": "R1", "soort": {"code": "BEZ"}, "status": {"code": "ING"}, "inschrijving": {"id": "I"}}),
    ],
)
def test_einddatum_before_begindatum_names_einddatum(model: type[BaseModel], data: dict[str, Any]) -> None:
    ok = model.model_validate({**data, "begindatum": "2026-03-15", "einddatum": "2026-03-15"})
    assert ok is not None, "one day is a valid period"
    error = refused(model.model_validate, {**data, "begindatum": "2026-03-15", "einddatum": "2026-03-14"})
    assert locs(error) == [("einddatum",)]


def test_voorrangsregeling_and_inschrijving_periods_name_einddatum() -> None:
    regeling = {"soort": {"code": "URG"}, "begindatum": "2026-01-01T00:00:00Z", "einddatum": "2025-12-31T00:00:00Z"}
    assert locs(refused(Voorrangsregeling.model_validate, regeling)) == [("einddatum",)]
    assert locs(refused(factories.inschrijving, einddatum="2019-04-30")) == [("einddatum",)]
    assert locs(refused(factories.inschrijving, voorrangsregelingen=[regeling])) == [
        ("voorrangsregelingen", 0, "einddatum")
    ]


def test_medeaanvrager_must_be_counted_names_aantalvolwassenen() -> None:
    error = refused(factories.inschrijving, medeaanvrager=factories.persoon(bsn=None))
    assert locs(error) == [("aantalVolwassenen",)]
    inschrijving = factories.inschrijving(medeaanvrager=factories.persoon(bsn=None), aantalVolwassenen=2)
    assert locs(refused(setattr, inschrijving, "aantal_volwassenen", 1)) == [("aantal_volwassenen",)]
    assert isinstance(inschrijving, Inschrijving)


def test_voorwaarden_ranges_name_the_maximum() -> None:
    for low, high in [
        ("minimumAantalPersonen", "maximumAantalPersonen"),
        ("minimumleeftijd", "maximumleeftijd"),
        ("minimuminkomen", "maximuminkomen"),
    ]:
        error = refused(EenheidVoorwaarden.model_validate, {low: 5, high: 4})
        assert locs(error) == [(high,)], low
    assert EenheidVoorwaarden.model_validate({"minimumleeftijd": 55, "maximumleeftijd": 55}).maximumleeftijd == 55


def test_ranked_kandidaat_without_reasons_names_rangschikking() -> None:
    assert locs(refused(factories.kandidaat, positie=1)) == [("rangschikking",)]
    assert locs(refused(factories.kandidaat, positie=0, rangschikking=[])) == [("positie",)]


def test_kandidatenlijst_rules_name_kandidaten() -> None:
    reden = [{"criterium": "inschrijfduur", "waarde": "2500", "omschrijving": "6 jaar ingeschreven"}]
    first = factories.kandidaat(positie=1, rangschikking=reden).model_dump(mode="json")
    third = factories.kandidaat(id="K-2", positie=3, rangschikking=reden).model_dump(mode="json")
    lijst = {"publicatie": {"id": "P-2001"}, "idOrganisatie": "corp-a", "vastgesteldOp": "2026-03-10T08:00:00Z"}
    assert Kandidatenlijst.model_validate({**lijst, "kandidaten": [first]})
    assert locs(refused(Kandidatenlijst.model_validate, {**lijst, "kandidaten": [first, third]})) == [("kandidaten",)]
    elsewhere = {**lijst, "publicatie": {"id": "P-9999"}, "kandidaten": [first]}
    assert locs(refused(Kandidatenlijst.model_validate, elsewhere)) == [("kandidaten",)]


def test_message_status_rule_names_the_payload() -> None:
    error = refused(
        PublicatieAangeboden,
        correlation_id="c-1",
        source=factories.SOURCE,
        payload=factories.publicatie(status={"code": "ING"}),
    )
    assert locs(error) == [("payload",)]
    assert "GEP" in error.errors()[0]["msg"]


def test_kandidaat_status_is_a_known_code() -> None:
    assert locs(refused(factories.kandidaat, status={"code": "ZZZ"})) == [("status",)]
    assert Kandidaat.model_fields["status"].is_required()
