"""The flow never reads the clock: every date-dependent answer comes from the allocation date given."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from gateway.flow import eligibility, parameters, ranking
from gateway.flow.parameters import default_parameter_table
from tests import factories
from tests.flow.builders import household, listing, region, unit


class _PassesIsinstance(type):
    # The stand-ins replace the module's names `date` and `datetime`; real values must still pass
    # the modules' isinstance checks.
    def __instancecheck__(cls, instance: object) -> bool:
        return isinstance(instance, cls.__mro__[1])


class _NoClockDate(date, metaclass=_PassesIsinstance):
    @classmethod
    def today(cls) -> date:
        raise AssertionError("the flow must not read today's date")


class _NoClockDatetime(datetime, metaclass=_PassesIsinstance):
    @classmethod
    def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
        raise AssertionError("the flow must not read the clock")

    @classmethod
    def today(cls) -> datetime:
        raise AssertionError("the flow must not read the clock")

    @classmethod
    def utcnow(cls) -> datetime:
        raise AssertionError("the flow must not read the clock")


def _stop_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (parameters, eligibility, ranking):
        if hasattr(module, "date"):
            monkeypatch.setattr(module, "date", _NoClockDate)
        if hasattr(module, "datetime"):
            monkeypatch.setattr(module, "datetime", _NoClockDatetime)


def test_figures_come_from_the_allocation_date_and_never_from_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    _stop_the_clock(monkeypatch)
    table = default_parameter_table()
    # A 2024 allocation uses the 2024 limit, whatever year the machine's clock says it is.
    result = eligibility.passend_check(
        date(2024, 7, 1), 1, Decimal("27725.00"), Decimal("650.43"), aow=False, table=table
    )
    assert (result.year, result.income_limit, result.rent_limit) == (2024, Decimal("27725.00"), Decimal("650.43"))
    later = eligibility.passend_check(
        date(2026, 7, 1), 1, Decimal("27725.00"), Decimal("650.43"), aow=False, table=table
    )
    assert (later.year, later.income_limit, later.rent_limit) == (2026, Decimal("29400.00"), Decimal("713.02"))


def test_eligibility_and_ranking_run_without_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:

    _stop_the_clock(monkeypatch)
    day = date(2024, 11, 1)
    inschrijving = household(
        income="27725.00", voorrangsregelingen=[{"soort": {"code": "URG"}, "begindatum": "2024-01-01T00:00:00Z"}]
    )
    reactie = ranking.Reactie(factories.kandidaat(), inschrijving)
    result = ranking.rank_kandidaten(
        listing(unit(rekenhuur="650.43")),
        [reactie],
        region=region(),
        parameters=default_parameter_table().for_date(day),
        allocation_date=day,
        vastgesteld_op=factories.T0,
    )
    (kandidaat,) = result.kandidatenlijst.kandidaten
    assert kandidaat.passendheidsoort is not None
    assert kandidaat.passendheidsoort.code == "PAS"
    assert result.eligibility[kandidaat.id].passend.year == 2024
