"""Hypothesis strategies that build valid canonical objects: every entity and every message type.

The strategies read their limits (text lengths, number ranges, date or timestamp) from the model's own
field declarations, so a changed limit in `schemas/` changes what is generated here. They also respect
the model's cross-field rules (response windows, ordered ranges, a non-passend Toewijzing's exception,
the status each message type demands), so every drawn object validates; a drawn object that does not is
a bug in the model or here, and the tests say so instead of filtering it away.

Texts are drawn both short and at exactly their maximum length, because limits are where a canonical
object and VERA's schema (or a vendor's system) disagree first.

Only tests and the contract kit import this module; `contract_tests/__init__.py` does not, so the kit
works without hypothesis until a test asks for it.
"""

from __future__ import annotations

import functools
import string
import types
import typing
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from hypothesis import strategies as st
from pydantic import AwareDatetime, BaseModel
from pydantic.fields import FieldInfo

from schemas import (
    BSN,
    Aanbieding,
    AanbiedingDetailStatus,
    AanbiedingStatus,
    AanvullendeDoelgroep,
    Contactgegeven,
    ContactgegevenSoort,
    Doelgroep,
    Eenheid,
    Eenheidadres,
    Eenheidcriterium,
    EenheidCriteriumDetailSoort,
    EenheidCriteriumSoort,
    EenheidDetailSoort,
    EenheidSoort,
    EenheidVoorwaarden,
    Energielabel,
    Energieprestatie,
    Gemeente,
    Geslacht,
    Inkomen,
    InkomensBron,
    Inschrijving,
    InschrijvingBeeindigd,
    Kandidaat,
    KandidaatDetailStatus,
    KandidaatStatus,
    Kandidatenlijst,
    MaatschappelijkLabel,
    Message,
    MessageSource,
    NatuurlijkPersoon,
    Overeenkomst,
    OvereenkomstSoort,
    OvereenkomstStatus,
    PassendheidDetailSoort,
    PassendheidSoort,
    Prijscomponent,
    PrijscomponentSoort,
    Publicatie,
    PublicatieDetailModel,
    PublicatieModel,
    PublicatieStatus,
    Rangschikkingscriterium,
    Reclamatie,
    ReclamatieSoort,
    ReclamatieStatus,
    Sanctie,
    SanctieSoort,
    SanctieStatus,
    Sleutel,
    Toewijzing,
    VoorrangDetailSoort,
    VoorrangSoort,
    Voorrangsregeling,
    VoorrangsregelingStatus,
    Vrijkomen,
    Woonplaats,
    Woonsituatie,
    WoonsituatieSoort,
)
from schemas.codelist import Codelijst
from schemas.types import bsn_check_digit

__all__ = [
    "aanbiedingen",
    "bedragen",
    "bsns",
    "codes",
    "contactgegevens",
    "datums",
    "eenheden",
    "eenheidadressen",
    "eenheidcriteria",
    "eenheidvoorwaarden",
    "energieprestaties",
    "geboortedata",
    "gemeenten",
    "identifiers",
    "inkomens",
    "inschrijvingen",
    "kandidaten",
    "kandidatenlijsten",
    "message_sources",
    "messages",
    "natuurlijke_personen",
    "overeenkomsten",
    "postcodes",
    "prijscomponenten",
    "publicaties",
    "rangschikkingscriteria",
    "reclamaties",
    "sancties",
    "sleutels",
    "tijdstippen",
    "toewijzingen",
    "voorrangsregelingen",
    "vrijkomens",
    "woonplaatsen",
]

E = TypeVar("E", bound=Enum)
C = TypeVar("C", bound=Codelijst)
M = TypeVar("M", bound=BaseModel)

# The window generated timestamps and dates fall in: wide enough for edge cases, narrow enough that
# every offset below converts to UTC without leaving the calendar.
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
# Messages speak of days from here on, and their codes are those VERA holds valid from this day without
# an end: a message refuses a code that is not valid on its own date (`Message` validation).
MESSAGES_FROM = date(2027, 1, 1)
_OFFSETS = (UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=2)), timezone(-timedelta(hours=5, minutes=30)))
_MAX_BEDRAG = Decimal("999999999.99")

# Printable text without control characters or surrogates: names, streets, descriptions.
_TEXT = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"))
_NAME = st.characters(
    codec="utf-8", categories=("Lu", "Ll"), include_characters=" -'", exclude_characters="\u0130\u0131"
)


# --- Limits read from the model ------------------------------------------------------------------------


def _limit(model: type[BaseModel], field: str, name: str, default: Any = None) -> Any:
    """The `name` constraint (`max_length`, `ge`, ...) of `model.field`, wherever pydantic keeps it."""
    info = model.model_fields[field]
    # An optional field (`Naam | None`) keeps its constraints inside the union's Annotated member.
    found = _constraint_in([*info.metadata], info.annotation, name)
    return default if found is None else found


def _constraint_in(metadata: list[Any], annotation: Any, name: str) -> Any:
    for meta in metadata:
        if isinstance(meta, FieldInfo):
            value = _constraint_in([*meta.metadata], None, name)
            if value is not None:
                return value
        value = getattr(meta, name, None)
        if value is not None:
            return value
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *more = typing.get_args(annotation)
        return _constraint_in(list(more), inner, name)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            value = _constraint_in([], arg, name)
            if value is not None:
                return value
    return None


def _is_timestamp(model: type[BaseModel], field: str) -> bool:
    """Whether `model.field` holds a datetime (a Tijdstip) rather than a calendar date."""

    def walk(annotation: Any) -> bool:
        if annotation in (datetime, AwareDatetime):
            return True
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            return walk(typing.get_args(annotation)[0])
        if origin in (typing.Union, types.UnionType):
            return any(walk(arg) for arg in typing.get_args(annotation))
        return False

    return walk(model.model_fields[field].annotation)


@functools.cache
def _text(model: type[BaseModel], field: str, alphabet: st.SearchStrategy[str] = _TEXT) -> st.SearchStrategy[str]:
    """Text within `model.field`'s declared length: mostly short, sometimes exactly at the maximum."""
    low = int(_limit(model, field, "min_length", 0))
    high = int(_limit(model, field, "max_length", 200))
    return st.one_of(
        st.text(alphabet, min_size=low, max_size=min(high, 30)),
        st.text(alphabet, min_size=high, max_size=high),
    ).filter(lambda text: bool(text.strip()) or low == 0)


@functools.cache
def _int(model: type[BaseModel], field: str, low: int | None = None, high: int | None = None) -> st.SearchStrategy[int]:
    lowest = int(_limit(model, field, "ge", -(2**31)))
    highest = int(_limit(model, field, "le", 2**31 - 1))
    return st.integers(
        max(lowest, low) if low is not None else lowest, min(highest, high) if high is not None else highest
    )


def _build(model: type[M], **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[M]:
    """`model(**drawn fields)`. Not `st.builds`: that would also fill a model's camelCase aliases itself."""
    return st.fixed_dictionaries(fields).map(lambda values: model(**values))


# --- Values --------------------------------------------------------------------------------------------


@functools.cache
def codes(codelijst: type[E]) -> st.SearchStrategy[E]:
    """Any member of a VERA code list (of a dated list: one valid on every day a message may speak of)."""
    return st.sampled_from(_current(list(codelijst)))


def _current(members: list[E]) -> list[E]:
    """The members valid from MESSAGES_FROM on for good (all of them for a plain enum)."""
    current = [
        member
        for member in members
        if not isinstance(member, Codelijst)
        or any((begin is None or begin <= MESSAGES_FROM) and end is None for begin, end in member.periods)
    ]
    return current or members


@functools.cache
def identifiers(max_size: int = 36) -> st.SearchStrategy[str]:
    """An id as systems issue them (also valid as a message id): letters, digits and `._:-`."""
    return st.from_regex(rf"[A-Za-z0-9][A-Za-z0-9._:\-]{{0,{max_size - 1}}}", fullmatch=True)


@functools.cache
def sleutels() -> st.SearchStrategy[Sleutel]:
    return _build(Sleutel, id=identifiers(), code=st.none() | identifiers(20))


@functools.cache
def bedragen(min_value: Decimal = Decimal("0.00"), max_value: Decimal = _MAX_BEDRAG) -> st.SearchStrategy[Decimal]:
    """Euro amounts with whole cents, including the edges 0.00 and the largest amount allowed."""
    return st.one_of(
        st.decimals(min_value=min_value, max_value=max_value, places=2, allow_nan=False, allow_infinity=False),
        st.sampled_from([min_value, max_value]),
    )


@functools.cache
def tijdstippen(min_value: date = EARLIEST, max_value: date = LATEST) -> st.SearchStrategy[datetime]:
    """Timezone-aware moments in several UTC offsets (the model keeps them in UTC)."""
    return st.datetimes(
        min_value=datetime.combine(min_value, datetime.min.time()),
        max_value=datetime.combine(max_value, datetime.min.time()),
        timezones=st.sampled_from(_OFFSETS),
    )


@functools.cache
def datums(min_value: date = EARLIEST, max_value: date = LATEST) -> st.SearchStrategy[date]:
    return st.dates(min_value=min_value, max_value=max_value)


@functools.cache
def geboortedata() -> st.SearchStrategy[date]:
    """Birth dates from 1900 up to today (the model refuses future ones)."""
    return st.dates(min_value=date(1900, 1, 1), max_value=date.today())


@functools.cache
def _moments(model: type[BaseModel], field: str) -> st.SearchStrategy[Any]:
    """Dates or timestamps, whichever `model.field` holds."""
    return tijdstippen() if _is_timestamp(model, field) else datums()


def _later(model: type[BaseModel], field: str, start: Any, strictly: bool) -> st.SearchStrategy[Any]:
    """A moment of `model.field`'s kind at or after `start` (strictly after when `strictly`)."""
    if isinstance(start, datetime):
        step = timedelta(microseconds=1) if strictly else timedelta(0)
        return st.timedeltas(min_value=step, max_value=timedelta(days=400)).map(lambda delta: start + delta)
    days = 1 if strictly else 0
    return st.integers(days, 400).map(lambda n: start + timedelta(days=n))


_POSTCODE_LETTERS = [
    a + b for a in string.ascii_uppercase for b in string.ascii_uppercase if a + b not in {"SA", "SD", "SS"}
]


@functools.cache
def postcodes(normalised: bool = False) -> st.SearchStrategy[str]:
    """Dutch postcodes PostNL could issue; unless `normalised`, also as people type them (`6511ab`)."""
    base = st.tuples(st.integers(1000, 9999), st.sampled_from(_POSTCODE_LETTERS))
    canonical = base.map(lambda parts: f"{parts[0]} {parts[1]}")
    if normalised:
        return canonical
    return st.one_of(canonical, base.map(lambda parts: f"{parts[0]}{parts[1].lower()}"))


@functools.cache
def bsns() -> st.SearchStrategy[BSN]:
    """Nine-digit numbers passing the 11-check (fictional: generated, not anybody's)."""

    def complete(first_eight: int) -> str | None:
        digits = f"{first_eight:08d}"
        check = bsn_check_digit(digits)
        return None if check is None else digits + str(check)

    return (
        st.integers(0, 99_999_999).map(complete).filter(lambda text: text is not None).map(lambda text: BSN(str(text)))
    )


# --- Eenheid and Publicatie ----------------------------------------------------------------------------


@functools.cache
def gemeenten() -> st.SearchStrategy[Gemeente]:
    return _build(Gemeente, code=st.from_regex(r"GM[0-9]{4}", fullmatch=True), naam=_text(Gemeente, "naam"))


@functools.cache
def woonplaatsen() -> st.SearchStrategy[Woonplaats]:
    return _build(
        Woonplaats, code=st.none() | st.from_regex(r"[0-9]{4}", fullmatch=True), naam=_text(Woonplaats, "naam")
    )


@functools.cache
def eenheidadressen() -> st.SearchStrategy[Eenheidadres]:
    return _build(
        Eenheidadres,
        straatnaam=_text(Eenheidadres, "straatnaam"),
        huisnummer=st.integers(1, 99_999).map(str),
        huisletter=st.none() | st.sampled_from(string.ascii_letters),
        huisnummer_toevoeging=st.none()
        | _text(Eenheidadres, "huisnummer_toevoeging", st.sampled_from(string.ascii_letters + string.digits + "-")),
        postcode=postcodes(),
        woonplaats=woonplaatsen(),
        gemeente=gemeenten(),
    )


@functools.cache
def prijscomponenten() -> st.SearchStrategy[Prijscomponent]:
    return _build(Prijscomponent, soort=codes(PrijscomponentSoort), bedrag=bedragen(max_value=Decimal("5000.00")))


@functools.cache
def energieprestaties() -> st.SearchStrategy[Energieprestatie]:
    return _build(Energieprestatie, label=codes(Energielabel))


def children(codelijst: type[C], parent: Codelijst) -> st.SearchStrategy[C | None]:
    """No detail code, or one that VERA allows under `parent`."""
    allowed = _current([member for member in codelijst if member.belongs_under(parent)])
    return st.none() | st.sampled_from(allowed) if allowed else st.none()


@st.composite
def eenheidcriteria(draw: st.DrawFn) -> Eenheidcriterium:
    soort = draw(codes(EenheidCriteriumSoort))
    return Eenheidcriterium(
        soort=soort,
        detailsoort=draw(children(EenheidCriteriumDetailSoort, soort)),
        doelgroep=draw(st.none() | codes(Doelgroep)),
    )


def _ordered_pair(values: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[Any, Any]]:
    """(low, high) with either side possibly absent, and low <= high when both are present."""
    both = st.tuples(values, values).map(lambda pair: (min(pair), max(pair)))
    return st.one_of(st.just((None, None)), both, values.map(lambda v: (v, None)), values.map(lambda v: (None, v)))


@st.composite
def eenheidvoorwaarden(draw: st.DrawFn) -> EenheidVoorwaarden:
    personen = draw(_ordered_pair(_int(EenheidVoorwaarden, "minimum_aantal_personen")))
    leeftijd = draw(_ordered_pair(_int(EenheidVoorwaarden, "minimumleeftijd")))
    inkomen = draw(_ordered_pair(bedragen(max_value=Decimal("250000.00"))))
    return EenheidVoorwaarden(
        minimum_aantal_personen=personen[0],
        maximum_aantal_personen=personen[1],
        minimumleeftijd=leeftijd[0],
        maximumleeftijd=leeftijd[1],
        minimuminkomen=inkomen[0],
        maximuminkomen=inkomen[1],
    )


@st.composite
def eenheden(draw: st.DrawFn, id_organisatie: str | None = None) -> Eenheid:
    """A unit; `id_organisatie` fixes the owning corporation (a Publicatie needs its own)."""
    oppervlakte = st.floats(
        min_value=float(_limit(Eenheid, "totale_oppervlakte", "ge", 0)),
        max_value=float(_limit(Eenheid, "totale_oppervlakte", "le", 10_000)),
        allow_nan=False,
    )
    return Eenheid(
        id=draw(identifiers()),
        id_extern=draw(st.none() | identifiers()),
        id_organisatie=id_organisatie if id_organisatie is not None else draw(identifiers()),
        soort=(soort := draw(codes(EenheidSoort))),
        detail_soort=draw(children(EenheidDetailSoort, soort)),
        adres=draw(eenheidadressen()),
        kamers_aantal=draw(_int(Eenheid, "kamers_aantal")),
        totale_oppervlakte=draw(st.none() | oppervlakte),
        etage=draw(st.none() | _int(Eenheid, "etage")),
        lift=draw(st.none() | st.booleans()),
        energieprestaties=draw(st.lists(energieprestaties(), max_size=2)),
        prijscomponenten=draw(st.lists(prijscomponenten(), max_size=3)),
        rekenhuur=draw(bedragen(max_value=Decimal("5000.00"))),
        maatschappelijk_label=draw(codes(MaatschappelijkLabel)),
        doelgroep=draw(st.none() | codes(Doelgroep)),
        aanvullende_doelgroep=draw(st.none() | codes(AanvullendeDoelgroep)),
        voorwaarden=draw(eenheidvoorwaarden()),
        criteria=draw(st.lists(eenheidcriteria(), max_size=2)),
    )


@st.composite
def publicaties(draw: st.DrawFn, status: tuple[PublicatieStatus, ...] = ()) -> Publicatie:
    """A listing with a non-empty response window; `status` limits the statuses drawn."""
    organisatie = draw(identifiers())
    begindatum = draw(tijdstippen())
    return Publicatie(
        id=draw(identifiers()),
        code=draw(st.none() | identifiers(20)),
        id_organisatie=organisatie,
        status=draw(st.sampled_from(status) if status else codes(PublicatieStatus)),
        model=(model := draw(codes(PublicatieModel))),
        detail_model=draw(children(PublicatieDetailModel, model)),
        begindatum=begindatum,
        einddatum=draw(_later(Publicatie, "einddatum", begindatum, strictly=True)),
        eenheden=draw(st.lists(eenheden(id_organisatie=organisatie), min_size=1, max_size=2)),
    )


@st.composite
def vrijkomens(draw: st.DrawFn) -> Vrijkomen:
    return Vrijkomen(
        eenheid=draw(eenheden()),
        beschikbaar_per=draw(datums()),
        gewenst_model=draw(st.none() | codes(PublicatieModel)),
    )


# --- Inschrijving --------------------------------------------------------------------------------------


@functools.cache
def contactgegevens() -> st.SearchStrategy[Contactgegeven]:
    return _build(Contactgegeven, soort=codes(ContactgegevenSoort), waarde=_text(Contactgegeven, "waarde"))


@st.composite
def natuurlijke_personen(draw: st.DrawFn) -> NatuurlijkPersoon:
    return NatuurlijkPersoon(
        voornaam=draw(_text(NatuurlijkPersoon, "voornaam", _NAME)),
        tussenvoegsels=draw(st.none() | st.sampled_from(["van", "de", "van der", "van den", "ter", "in 't"])),
        achternaam=draw(_text(NatuurlijkPersoon, "achternaam", _NAME)),
        geboortedatum=draw(geboortedata()),
        geslacht=draw(st.none() | codes(Geslacht)),
        bsn=draw(st.none() | bsns()),
        contactgegevens=draw(st.lists(contactgegevens(), max_size=2)),
    )


@functools.cache
def inkomens() -> st.SearchStrategy[Inkomen]:
    return _build(
        Inkomen,
        bedrag=bedragen(max_value=Decimal("500000.00")),
        jaar=_int(Inkomen, "jaar"),
        bron=codes(InkomensBron),
    )


@st.composite
def voorrangsregelingen(draw: st.DrawFn) -> Voorrangsregeling:
    begindatum = draw(_moments(Voorrangsregeling, "begindatum"))
    einde = st.none() | _later(Voorrangsregeling, "einddatum", begindatum, strictly=False)
    return Voorrangsregeling(
        soort=(soort := draw(codes(VoorrangSoort))),
        detail_soort=draw(children(VoorrangDetailSoort, soort)),
        status=draw(st.none() | codes(VoorrangsregelingStatus)),
        begindatum=begindatum,
        einddatum=draw(einde),
        gemeente=draw(st.none() | gemeenten()),
    )


@st.composite
def inschrijvingen(draw: st.DrawFn, ended: bool | None = None) -> Inschrijving:
    """A registration; `ended=True` gives it an einddatum, `False` none, `None` either."""
    begindatum = draw(datums())
    has_end = draw(st.booleans()) if ended is None else ended
    medeaanvrager = draw(st.none() | natuurlijke_personen())
    return Inschrijving(
        id=draw(identifiers()),
        code=draw(st.none() | identifiers(20)),
        status=draw(codes(OvereenkomstStatus)),
        begindatum=begindatum,
        einddatum=draw(_later(Inschrijving, "einddatum", begindatum, strictly=False)) if has_end else None,
        aanvrager=draw(natuurlijke_personen()),
        medeaanvrager=medeaanvrager,
        aantal_volwassenen=draw(_int(Inschrijving, "aantal_volwassenen", low=2 if medeaanvrager else None)),
        aantal_kinderen=draw(_int(Inschrijving, "aantal_kinderen")),
        inkomen=draw(inkomens()),
        woonsituatie=Woonsituatie(soort=draw(codes(WoonsituatieSoort))),
        gemeente=draw(gemeenten()),
        voorrangsregelingen=draw(st.lists(voorrangsregelingen(), max_size=2)),
    )


# --- Kandidaat, Aanbieding, Toewijzing, Overeenkomst ---------------------------------------------------


@functools.cache
def rangschikkingscriteria() -> st.SearchStrategy[Rangschikkingscriterium]:
    return _build(
        Rangschikkingscriterium,
        criterium=st.sampled_from(["voorrang", "inschrijfduur", "lotnummer", "reactiedatum", "volgorde"]),
        waarde=_text(Rangschikkingscriterium, "waarde"),
        omschrijving=_text(Rangschikkingscriterium, "omschrijving"),
    )


@st.composite
def kandidaten(
    draw: st.DrawFn,
    status: KandidaatStatus | None = None,
    publicatie: Sleutel | None = None,
    positie: int | None = None,
    ranked: bool | None = None,
) -> Kandidaat:
    """A candidate at `positie`, or else ranked (`ranked=True`), unranked (`False`) or either (`None`)."""
    if positie is None and ranked is not False:
        posities = _int(Kandidaat, "positie")
        positie = draw(posities if ranked else st.none() | posities)
    return Kandidaat(
        id=draw(identifiers()),
        publicatie=publicatie if publicatie is not None else draw(sleutels()),
        inschrijving=draw(sleutels()),
        status=status if status is not None else draw(codes(KandidaatStatus)),
        detail_status=draw(st.none() | codes(KandidaatDetailStatus)),
        reactiedatum=draw(tijdstippen()),
        positie=positie,
        # A ranked candidate carries the reasons for its place.
        rangschikking=draw(st.lists(rangschikkingscriteria(), min_size=1 if positie is not None else 0, max_size=3)),
        aantal_volwassenen=draw(st.none() | _int(Kandidaat, "aantal_volwassenen")),
        aantal_kinderen=draw(st.none() | _int(Kandidaat, "aantal_kinderen")),
        passendheidsoort=draw(st.none() | codes(PassendheidSoort)),
    )


@st.composite
def kandidatenlijsten(draw: st.DrawFn, max_size: int = 4) -> Kandidatenlijst:
    """A released list: kandidaten on one publicatie at positie 1, 2, 3, ..."""
    publicatie = draw(sleutels())
    size = draw(st.integers(0, max_size))
    return Kandidatenlijst(
        publicatie=publicatie,
        id_organisatie=draw(identifiers()),
        vastgesteld_op=draw(tijdstippen()),
        lotingzaad=draw(st.none() | st.binary(min_size=32, max_size=32).map(bytes.hex)),
        kandidaten=[draw(kandidaten(publicatie=publicatie, positie=n)) for n in range(1, size + 1)],
    )


@st.composite
def aanbiedingen(
    draw: st.DrawFn, status: AanbiedingStatus | None = None, with_reason: bool | None = None
) -> Aanbieding:
    """An offer with its deadline after the offer; `with_reason=True` always carries a VERA reason code."""
    aangeboden_op = draw(tijdstippen())
    reden = codes(AanbiedingDetailStatus)
    return Aanbieding(
        id=draw(identifiers()),
        publicatie=draw(sleutels()),
        kandidaat=draw(sleutels()),
        inschrijving=draw(sleutels()),
        status=status if status is not None else draw(codes(AanbiedingStatus)),
        detail_status=draw(reden if with_reason else (st.none() if with_reason is False else st.none() | reden)),
        aangeboden_op=aangeboden_op,
        reageren_voor=draw(_later(Aanbieding, "reageren_voor", aangeboden_op, strictly=True)),
    )


@st.composite
def toewijzingen(draw: st.DrawFn) -> Toewijzing:
    """An allocation; a non-passend (NIE) one records its exception, a passend one does not."""
    passendheid = draw(codes(PassendheidSoort))
    uitzondering = codes(PassendheidDetailSoort) if passendheid is PassendheidSoort.NIE else st.none()
    return Toewijzing(
        id=draw(identifiers()),
        id_organisatie=draw(identifiers()),
        datum=draw(tijdstippen()),
        publicatie=draw(sleutels()),
        eenheid=draw(sleutels()),
        kandidaat=draw(sleutels()),
        inschrijving=draw(sleutels()),
        huishoudgrootte=draw(_int(Toewijzing, "huishoudgrootte")),
        rekeninkomen=draw(bedragen(max_value=Decimal("500000.00"))),
        rekenhuur=draw(bedragen(max_value=Decimal("5000.00"))),
        is_ouderenhuishouden=draw(st.booleans()),
        passendheidsoort=passendheid,
        passendheiddetailsoort=draw(uitzondering),
        doelgroep=draw(st.none() | codes(Doelgroep)),
        aanvullende_doelgroep=draw(st.none() | codes(AanvullendeDoelgroep)),
        voorrangsregelingen=draw(st.lists(voorrangsregelingen(), max_size=2)),
    )


@functools.cache
def overeenkomsten() -> st.SearchStrategy[Overeenkomst]:
    return _build(
        Overeenkomst,
        id=identifiers(),
        id_organisatie=identifiers(),
        soort=codes(OvereenkomstSoort),
        status=codes(OvereenkomstStatus),
        begindatum=datums(),
        eenheid=sleutels(),
        toewijzing=sleutels(),
        inschrijving=sleutels(),
        huurprijs=bedragen(max_value=Decimal("5000.00")),
    )


@st.composite
def sancties(draw: st.DrawFn) -> Sanctie:
    begindatum = draw(datums())
    return Sanctie(
        id=draw(identifiers()),
        soort=draw(codes(SanctieSoort)),
        status=draw(codes(SanctieStatus)),
        omschrijving=draw(st.none() | _text(Sanctie, "omschrijving")),
        begindatum=begindatum,
        einddatum=draw(st.none() | _later(Sanctie, "einddatum", begindatum, strictly=False)),
        inschrijving=draw(sleutels()),
    )


@st.composite
def reclamaties(draw: st.DrawFn) -> Reclamatie:
    begindatum = draw(datums())
    return Reclamatie(
        id=draw(identifiers()),
        soort=draw(codes(ReclamatieSoort)),
        status=draw(codes(ReclamatieStatus)),
        begindatum=begindatum,
        einddatum=draw(st.none() | _later(Reclamatie, "einddatum", begindatum, strictly=False)),
        inschrijving=draw(sleutels()),
        publicatie=draw(st.none() | sleutels()),
        sanctie=draw(st.none() | sleutels()),
    )


# --- Messages ------------------------------------------------------------------------------------------


@functools.cache
def message_sources() -> st.SearchStrategy[MessageSource]:
    return _build(MessageSource, tenant=identifiers(), system=identifiers())


def _payloads(message_type: type[Message]) -> st.SearchStrategy[Any]:
    """The payload strategy for `message_type`, from its payload class and the status it demands."""
    payload_class = message_type.model_fields["payload"].annotation
    expected: Any = getattr(message_type, "expected_status", ())
    if payload_class is Publicatie:
        return publicaties(status=tuple(expected))
    if payload_class is Kandidaat:
        return kandidaten(status=expected)
    if payload_class is Aanbieding:
        return aanbiedingen(status=expected, with_reason=True if getattr(message_type, "needs_reason", False) else None)
    if payload_class is Inschrijving:
        return inschrijvingen(ended=True if message_type is InschrijvingBeeindigd else None)
    simple: dict[Any, Callable[[], st.SearchStrategy[Any]]] = {
        Vrijkomen: vrijkomens,
        Kandidatenlijst: kandidatenlijsten,
        Toewijzing: toewijzingen,
        Overeenkomst: overeenkomsten,
        Sanctie: sancties,
        Reclamatie: reclamaties,
    }
    if payload_class not in simple:
        raise LookupError(f"no payload strategy for {message_type.__name__} (payload {payload_class!r})")
    return simple[payload_class]()


def messages(message_type: type[Message] | None = None) -> st.SearchStrategy[Message]:
    """A valid message of `message_type` (any registered type when None), envelope and payload."""
    if message_type is None:
        from schemas import MESSAGE_TYPES

        return st.sampled_from(sorted(MESSAGE_TYPES.values(), key=lambda cls: cls.__name__)).flatmap(messages)
    return _build(
        message_type,
        message_id=identifiers(),
        correlation_id=identifiers(),
        causation_id=st.none() | identifiers(),
        source=message_sources(),
        occurred_at=tijdstippen(min_value=MESSAGES_FROM),
        payload=_payloads(message_type),
    )
