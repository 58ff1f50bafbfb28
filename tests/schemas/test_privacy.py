"""Personal data (BSN, names, birth dates, income, contact details) never shows by accident.

Not in a repr or str of a model, not in a validation error (its text, `errors()` or `json()`), not in a
dump unless asked for (BSN); `schemas.privacy` finds and redacts it by type.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from contract_tests import strategies
from schemas import (
    BSN,
    INCLUDE_BSN,
    CanonicalModel,
    Inschrijving,
    InschrijvingGeregistreerd,
    NatuurlijkPersoon,
    PersonalData,
    parse_message,
)
from schemas.privacy import REDACTED, personal_values, redacted_dump
from tests import factories

PARTNER_BSN = "999990019"
PARTNER = {
    "voornaam": "Joris",
    "tussenvoegsels": "van der",
    "achternaam": "Wiel-Testpersoon",
    "geboortedatum": "1984-11-30",
}
INKOMEN = "31000"


def household() -> Inschrijving:
    """The factories' Inschrijving with a co-applicant, so every kind of personal field is filled."""
    return factories.inschrijving(
        medeaanvrager=factories.persoon(**PARTNER, bsn=PARTNER_BSN, contactgegevens=[]), aantalVolwassenen=2
    )


def date_forms(day: date) -> list[str]:
    """A date as it could leak: ISO, Dutch d-m-Y (with and without zeros), and Python's repr."""
    return [
        day.isoformat(),
        day.strftime("%d-%m-%Y"),
        f"{day.day}-{day.month}-{day.year}",
        f"{day.year}, {day.month}, {day.day}",
    ]


SECRETS = [
    factories.BSN_VALID,
    factories.VOORNAAM,
    factories.ACHTERNAAM,
    *date_forms(factories.GEBOORTEDATUM),
    factories.EMAIL,
    INKOMEN,
    PARTNER_BSN,
    PARTNER["voornaam"],
    PARTNER["achternaam"],
    *date_forms(date.fromisoformat(PARTNER["geboortedatum"])),
]


def leaks(text: str, *more: str) -> list[str]:
    """The secrets (and `more` values, e.g. the bad input itself) that appear in `text`."""
    return [secret for secret in (*SECRETS, *more) if secret in text]


def test_the_secrets_are_really_in_the_model() -> None:
    """Guards every test below: the values we look for are there to be leaked."""
    text = household().model_dump_json(context=INCLUDE_BSN)
    on_the_wire = [
        factories.BSN_VALID,
        factories.VOORNAAM,
        factories.ACHTERNAAM,
        factories.GEBOORTEDATUM.isoformat(),
        factories.EMAIL,
        INKOMEN,
        PARTNER_BSN,
        PARTNER["voornaam"],
        PARTNER["achternaam"],
        PARTNER["geboortedatum"],
    ]
    assert set(on_the_wire) <= set(SECRETS)
    assert [secret for secret in on_the_wire if secret not in text] == []


# --- repr and str ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("render", [repr, str], ids=["repr", "str"])
def test_no_personal_data_in_repr_or_str_of_the_model(render: Any) -> None:
    inschrijving = household()
    for obj in (inschrijving, inschrijving.aanvrager, inschrijving.medeaanvrager, inschrijving.inkomen):
        assert leaks(render(obj)) == [], type(obj).__name__
    for contact in inschrijving.aanvrager.contactgegevens:
        assert leaks(render(contact)) == []


def test_no_personal_data_in_repr_of_a_message_or_a_toewijzing() -> None:
    message = InschrijvingGeregistreerd(correlation_id="c-1", source=factories.SOURCE, payload=household())
    assert leaks(repr(message)) == []
    assert leaks(str(message)) == []
    toewijzing = factories.toewijzing(rekeninkomen=31000.0)
    assert INKOMEN not in repr(toewijzing)


def test_repr_still_shows_what_is_not_personal() -> None:
    """A repr is for debugging: ids and statuses stay visible (so the tests above are not vacuous)."""
    text = repr(household())
    assert all(visible in text for visible in ("I-3001", "LOP", "GM0268"))


def _is_personal(field: FieldInfo) -> bool:
    return any(isinstance(meta, PersonalData) for meta in field.metadata)


def _other(value: Any) -> Any:
    """A different value of the same kind."""
    if isinstance(value, BSN):
        return BSN(PARTNER_BSN if value.reveal() != PARTNER_BSN else factories.BSN_VALID)
    if isinstance(value, date):
        return value - timedelta(days=1)
    if isinstance(value, Decimal):
        return value + 1
    return value + "x"


def with_other_personal_values(model: BaseModel) -> BaseModel:
    """A copy of `model` in which every personal value is different and everything else the same."""
    updates: dict[str, Any] = {}
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if value is not None and _is_personal(field):
            updates[name] = _other(value)
        elif isinstance(value, BaseModel):
            updates[name] = with_other_personal_values(value)
        elif isinstance(value, list):
            updates[name] = [with_other_personal_values(v) if isinstance(v, BaseModel) else v for v in value]
    return model.model_copy(update=updates)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.inschrijvingen())
def test_repr_and_str_do_not_depend_on_personal_values(inschrijving: Inschrijving) -> None:
    other = with_other_personal_values(inschrijving)
    pairs = zip(personal_values(other), personal_values(inschrijving), strict=True)
    assert all(new != old for new, old in pairs), "every personal value really differs in the copy"
    assert repr(other) == repr(inschrijving)
    assert str(other) == str(inschrijving)


# --- Validation errors ----------------------------------------------------------------------------------


def error_texts(error: ValidationError) -> str:
    return "\n".join(
        [
            str(error),
            repr(error),
            error.json(),
            json.dumps(error.errors(), default=str),
            json.dumps(error.errors(include_context=True, include_input=True), default=str),
        ]
    )


def refused(build: Any, *args: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        build(*args)
    return caught.value


def future() -> str:
    return (date.today() + timedelta(days=30)).isoformat()


PERSON_ERRORS = {
    "invalid BSN": {"bsn": "111222334"},
    "future birth date": {"geboortedatum": future()},
    "bad field next to a name": {"geslacht": {"code": "ZZZ"}},
    "name too long": {"achternaam": factories.ACHTERNAAM * 20},
    "unknown field next to a name": {"roepnaam": factories.VOORNAAM},
    "bad e-mail entry": {"contactgegevens": [{"soort": {"code": "EMA"}, "waarde": factories.EMAIL, "x": 1}]},
}


@pytest.mark.parametrize("changes", PERSON_ERRORS.values(), ids=list(PERSON_ERRORS))
def test_no_personal_data_in_natuurlijk_persoon_errors(changes: dict[str, Any]) -> None:
    data = factories.persoon(**changes)
    bad = [value for value in changes.values() if isinstance(value, str)]  # a wrong BSN may be someone's
    for build in (NatuurlijkPersoon.model_validate, lambda d: NatuurlijkPersoon(**d)):
        assert leaks(error_texts(refused(build, data)), *bad) == []
    assert leaks(error_texts(refused(NatuurlijkPersoon.model_validate_json, json.dumps(data))), *bad) == []


def test_no_personal_data_in_a_model_level_or_nested_error() -> None:
    data = factories.inschrijving().model_dump(mode="json", context=INCLUDE_BSN)
    data["medeaanvrager"] = factories.persoon(**PARTNER, bsn=PARTNER_BSN)  # aantalVolwassenen stays 1
    data["inkomen"]["bedrag"] = -31000.0
    error = refused(Inschrijving.model_validate, data)
    assert len(error.errors()) == 2
    assert leaks(error_texts(error)) == []


def test_no_personal_data_in_broken_json() -> None:
    text = household().model_dump_json(context=INCLUDE_BSN)[:-5]
    assert leaks(error_texts(refused(Inschrijving.model_validate_json, text))) == []


def test_no_personal_data_in_an_assignment_error() -> None:
    persoon = household().aanvrager
    assert leaks(error_texts(refused(setattr, persoon, "geboortedatum", future())), future()) == []
    assert leaks(error_texts(refused(setattr, persoon, "bsn", "999990018")), "999990018") == []


def test_no_personal_data_in_parse_message_errors() -> None:
    message = InschrijvingGeregistreerd(correlation_id="c-1", source=factories.SOURCE, payload=household())
    data = json.loads(message.model_dump_json(context=INCLUDE_BSN))
    data["payload"]["aanvrager"]["geboortedatum"] = future()
    data["payload"]["medeaanvrager"]["bsn"] = "123456789"
    error = refused(parse_message, data)
    assert [line["loc"][-1] for line in error.errors()] == ["geboortedatum", "bsn"]
    assert leaks(error_texts(error), future(), "123456789") == []
    assert leaks(error_texts(refused(parse_message, json.dumps(data))), future(), "123456789") == []


def test_errors_still_say_what_is_wrong_and_where() -> None:
    error = refused(NatuurlijkPersoon.model_validate, factories.persoon(bsn="111222334", geboortedatum=future()))
    lines = error.errors()
    assert [line["loc"] for line in lines] == [("geboortedatum",), ("bsn",)]
    assert "future" in lines[0]["msg"]
    assert "11-check" in lines[1]["msg"]
    assert {line["input"] for line in lines} == {REDACTED}


# --- BSN ------------------------------------------------------------------------------------------------


def test_bsn_masks_itself() -> None:
    bsn = BSN(factories.BSN_VALID)
    for text in (str(bsn), repr(bsn), f"{bsn}", "%s" % bsn, repr([bsn]), repr({"bsn": bsn})):  # noqa: UP031
        assert factories.BSN_VALID not in text
    assert "*" in str(bsn)
    assert bsn.reveal() == factories.BSN_VALID
    assert bsn == BSN(factories.BSN_VALID)
    assert bsn != BSN(PARTNER_BSN)


def test_bsn_is_left_out_of_dumps_unless_asked_for() -> None:
    inschrijving = household()
    for dump in (
        inschrijving.model_dump(),
        inschrijving.model_dump(mode="json"),
        json.loads(inschrijving.model_dump_json()),
        inschrijving.aanvrager.model_dump(mode="json"),
    ):
        text = json.dumps(dump, default=str)
        assert factories.BSN_VALID not in text
        assert PARTNER_BSN not in text
        assert '"bsn"' not in text
    with_bsn = inschrijving.model_dump(mode="json", context=INCLUDE_BSN)
    assert with_bsn["aanvrager"]["bsn"] == factories.BSN_VALID
    assert with_bsn["medeaanvrager"]["bsn"] == PARTNER_BSN
    assert json.loads(inschrijving.model_dump_json(context=INCLUDE_BSN))["aanvrager"]["bsn"] == factories.BSN_VALID
    assert Inschrijving.model_validate(with_bsn) == inschrijving


# --- schemas.privacy ------------------------------------------------------------------------------------


def test_personal_values_finds_them_all() -> None:
    found = set(personal_values(household()))
    assert found == {
        factories.VOORNAAM,
        factories.ACHTERNAAM,
        factories.GEBOORTEDATUM.isoformat(),
        factories.BSN_VALID,
        factories.EMAIL,
        PARTNER["voornaam"],
        PARTNER["tussenvoegsels"],
        PARTNER["achternaam"],
        PARTNER["geboortedatum"],
        PARTNER_BSN,
        "31000.00",
    }


def test_personal_values_in_a_message_and_a_toewijzing() -> None:
    message = InschrijvingGeregistreerd(correlation_id="c-1", source=factories.SOURCE, payload=household())
    assert set(personal_values(message)) == set(personal_values(household()))
    assert set(personal_values(factories.toewijzing())) == {"31000.00"}


def test_redacted_dump_blanks_every_personal_field() -> None:
    dump = redacted_dump(household())
    for person in (dump["aanvrager"], dump["medeaanvrager"]):
        assert person["voornaam"] == person["achternaam"] == person["geboortedatum"] == REDACTED
        assert "bsn" not in person
    assert dump["medeaanvrager"]["tussenvoegsels"] == REDACTED
    assert dump["aanvrager"]["contactgegevens"][0]["waarde"] == REDACTED
    assert dump["aanvrager"]["contactgegevens"][0]["soort"]["code"] == "EMA"
    assert dump["inkomen"]["bedrag"] == REDACTED
    assert dump["inkomen"]["jaar"] == 2025
    assert dump["id"] == "I-3001"
    assert dump["gemeente"]["code"] == "GM0268"
    assert leaks(json.dumps(dump)) == []
    assert redacted_dump(factories.toewijzing())["rekeninkomen"] == REDACTED


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.inschrijvingen())
def test_redacted_dump_blanks_exactly_the_personal_values(inschrijving: Inschrijving) -> None:
    """Redacted and plain dumps differ in exactly one leaf per personal value (a BSN is not dumped)."""
    plain, redacted = inschrijving.model_dump(mode="json"), redacted_dump(inschrijving)
    changed = list(_differences(plain, redacted))
    assert all(value == REDACTED for _, value in changed), changed
    held = list(personal_values(inschrijving))
    bsns = [p.bsn for p in (inschrijving.aanvrager, inschrijving.medeaanvrager) if p is not None and p.bsn]
    assert len(changed) == len(held) - len(bsns)


def _differences(plain: Any, redacted: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(plain, dict):
        assert set(plain) == set(redacted), path
        for key in plain:
            yield from _differences(plain[key], redacted[key], f"{path}.{key}")
    elif isinstance(plain, list):
        for index, (left, right) in enumerate(zip(plain, redacted, strict=True)):
            yield from _differences(left, right, f"{path}[{index}]")
    elif plain != redacted:
        yield path, redacted


def _models() -> set[type[BaseModel]]:
    seen: set[type[BaseModel]] = set()
    todo: list[type[BaseModel]] = [CanonicalModel]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("schemas.") and sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return seen


def test_the_personal_fields_are_exactly_these() -> None:
    """Marking is by type; this list changes only on purpose (a new personal field must be marked)."""
    marked = {
        f"{model.__name__}.{name}"
        for model in _models()
        for name, field in model.model_fields.items()
        if _is_personal(field)
    }
    assert marked == {
        "Contactgegeven.waarde",
        "Inkomen.bedrag",
        "NatuurlijkPersoon.achternaam",
        "NatuurlijkPersoon.bsn",
        "NatuurlijkPersoon.geboortedatum",
        "NatuurlijkPersoon.tussenvoegsels",
        "NatuurlijkPersoon.voornaam",
        "Toewijzing.rekeninkomen",
    }


def test_personal_fields_are_hidden_from_repr() -> None:
    for model in _models():
        for name, field in model.model_fields.items():
            if _is_personal(field):
                assert field.repr is False, f"{model.__name__}.{name}"
