"""The canonical model takes what VERA allows (issue 13) and stays strict where it types a value.

A unit is known before it can be published: only its id is required. Amounts that are a whole cent but
for float noise are that cent; a huuraanpassing may be negative (a korting); a date-time where VERA types
a date, a naam sent as code and a code in the wrong case are refused with the reason.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from schemas import Eenheid, Eenheidcriterium, Energieprestatie, Prijscomponent


def _error(model: type[Any], data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as raised:
        model.model_validate(data)
    return str(raised.value)


def test_a_unit_needs_only_its_id() -> None:
    eenheid = Eenheid.model_validate({"id": "E-1"})
    assert (eenheid.adres, eenheid.rekenhuur, eenheid.maatschappelijk_label, eenheid.is_daeb) == (
        None,
        None,
        None,
        False,
    )
    assert "id" in _error(Eenheid, {})


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        (560.5500000000001, Decimal("560.55")),
        (0.1 + 0.2, Decimal("0.30")),
        (675.25, Decimal("675.25")),
        (12, Decimal("12")),
    ],
)
def test_float_noise_of_a_whole_cent_is_that_cent(sent: float, kept: Decimal) -> None:
    assert Eenheid.model_validate({"id": "E-1", "rekenhuur": sent}).rekenhuur == kept


@pytest.mark.parametrize("sent", [560.555, 560.551, 0.001])
def test_more_than_cents_is_refused(sent: float) -> None:
    assert "at most two decimals" in _error(Eenheid, {"id": "E-1", "rekenhuur": sent})


def test_a_korting_is_a_negative_huuraanpassing() -> None:
    korting = Prijscomponent.model_validate({"soort": {"code": "HUA"}, "bedrag": -39.45})
    assert korting.bedrag == Decimal("-39.45")
    assert "except for a huuraanpassing" in _error(Prijscomponent, {"soort": {"code": "NET"}, "bedrag": -1.0})
    assert "cannot be negative" in _error(Eenheid, {"id": "E-1", "rekenhuur": -1.0})


def test_a_date_time_where_vera_types_a_date_is_refused() -> None:
    assert "not a date-time" in _error(Energieprestatie, {"begindatum": "2019-02-25T00:00:00"})
    assert Energieprestatie.model_validate({"begindatum": "2019-02-25"}).begindatum is not None


def test_a_naam_sent_as_code_names_the_code_and_case_matters() -> None:
    assert "'A++++' is the naam of code AP4" in _error(Energieprestatie, {"label": {"code": "A++++"}})
    assert "unknown ENERGIELABEL code 'b'" in _error(Energieprestatie, {"label": {"code": "b"}})


def test_kept_vera_attributes_stay_out_of_the_repr() -> None:
    eenheid = Eenheid.model_validate({"id": "E-1", "veraOverig": {"/relatieNaam": "J. Jansen"}})
    assert "Jansen" not in repr(eenheid)
    assert eenheid.vera_overig == {"/relatieNaam": "J. Jansen"}
    assert "pattern" in _error(Eenheid, {"id": "E-1", "veraOverig": {"relatieNaam": 1}})


def test_a_detail_code_under_the_wrong_parent_is_refused() -> None:
    assert Eenheidcriterium.model_validate({"soort": {"code": "URG"}, "detailsoort": {"code": "BER"}})
    error = _error(Eenheidcriterium, {"soort": {"code": "BIN"}, "detailsoort": {"code": "BER"}})
    assert "detailsoort code 'BER' does not belong under soort 'BIN'" in error
    assert "EENHEIDCRITERIUMSOORT.URG" in error
    assert "does not belong under soort 'WOO'" in _error(
        Eenheid, {"id": "E-1", "soort": {"code": "WOO"}, "detailSoort": {"code": "BER"}}
    )
