"""Ranking the responses to one listing into a Kandidatenlijst: pure, deterministic and explained.

Order of the ranking, per candidate:
1. the region's voorrang tiers, in the region's order (`policy.voorrang`), compared one after the
   other: a candidate matching a tier goes before one that does not, and only on equal tiers does the
   next tier count. Tiers: URG (a Voorrangsregeling of soort URG valid on the allocation date, status
   not AAN/AFG/VER, and, when it names a gemeente, a unit in that gemeente); BIN/KRN (the unit lists
   criterion BIN/KRN and the household's gemeente is the unit's); BIN/REG (the unit lists BIN/REG and
   the household lives in one of the region's gemeenten); DOE (the unit's doelgroep, or a doelgroep on
   one of its criteria, fits the household).
2. the sort key of the listing's publicatiemodel, as the region configures it:
   inschrijfduur (earlier Inschrijving.begindatum first), loting (lower lot number first) or
   reactiedatum (earlier Kandidaat.reactiedatum first).
3. ties: the region's tie-breakers in order (`policy.tie_breakers`, by default inschrijfdatum, then the
   lottery), never a database id. A lot number settles every tie, so nothing after it counts. Only a
   listing drawn without a lotingzaad (published before every listing had one) falls back to the
   Kandidaat id, a hash that says nothing about who registered first.

Each Kandidaat gets positie 1..n and a `rangschikking`: the criteria above with the candidate's value
and a Dutch explanation for staff. Ineligible responses are not ranked; they come back separately with
their reason codes. A second response from the same Inschrijving is rejected (DUBBELE_REACTIE); the
first (earliest reactiedatum, then lowest Kandidaat id) counts.

The lottery (and the tie-breaking lot) is `gateway.flow.lottery`: committed at publication, drawn over
the closed list of responses, revealed after the draw, recomputable by anyone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from gateway.flow.eligibility import (
    Eligibility,
    RejectionReason,
    check_eligibility,
    criterium_bounds,
    household_in_doelgroep,
    selection_criteria,
)
from gateway.flow.free_room import NO_ROOM, FreeRoom
from gateway.flow.lottery import LOT_CRITERIUM, lotingzaad_commitment, lotnummer, reacties_digest
from gateway.flow.parameters import DUTCH_TIME, YearParameters, age_in_months, allocation_date_of
from gateway.flow.policy import RankingRule, RegionConfig, RegionPolicy, TieBreaker, VoorrangTier
from gateway.flow.publication import gemeente_of
from schemas.base import Sleutel
from schemas.eenheid import Eenheid
from schemas.inschrijving import Inschrijving
from schemas.kandidaat import Kandidaat, Kandidatenlijst, Rangschikkingscriterium
from schemas.publicatie import Publicatie
from schemas.referentiedata import (
    Doelgroep,
    EenheidCriteriumDetailSoort,
    EenheidCriteriumSoort,
    PassendheidDetailSoort,
    VoorrangSoort,
    VoorrangsregelingStatus,
)
from schemas.sanctie import Sanctie

__all__ = [
    "RankingResult",
    "Reactie",
    "Rejection",
    "rank_kandidaten",
    "voorrang_matches",
]

# Voorrangsregeling statuses that do not (yet, or any longer) give priority.
_NOT_GRANTED = frozenset({VoorrangsregelingStatus.AAN, VoorrangsregelingStatus.AFG, VoorrangsregelingStatus.VER})

_MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


@dataclass(frozen=True, slots=True)
class Reactie:
    """A response to a listing: the Kandidaat (status REA) and the Inschrijving it responded with."""

    kandidaat: Kandidaat
    inschrijving: Inschrijving


@dataclass(frozen=True, slots=True)
class Rejection:
    """A response that is not ranked, with every reason."""

    kandidaat: Kandidaat
    reasons: tuple[RejectionReason, ...]


@dataclass(frozen=True)
class RankingResult:
    """The ranked list, the rejected responses, and each ranked candidate's eligibility by Kandidaat id.

    The eligibility (passendheid, huishoudgrootte, rekeninkomen, ...) is what a Toewijzing records.
    """

    kandidatenlijst: Kandidatenlijst
    rejected: tuple[Rejection, ...]
    eligibility: Mapping[str, Eligibility]
    reacties: tuple[str, ...] = ()
    """The Kandidaat ids of the responses standing at closing, sorted: what the draw depends on."""
    reacties_digest: str | None = None
    """Their SHA-256 (`gateway.flow.lottery.reacties_digest`); None when the list was drawn without a lotingzaad."""


# --- voorrang ------------------------------------------------------------------------------------------


def _has_criterion(eenheid: Eenheid, detail: EenheidCriteriumDetailSoort) -> bool:
    return any(c.soort is EenheidCriteriumSoort.BIN and c.detailsoort is detail for c in eenheid.criteria)


def _unit_doelgroepen(eenheid: Eenheid) -> list[Doelgroep]:
    groups = [eenheid.doelgroep] if eenheid.doelgroep is not None else []
    groups += [c.doelgroep for c in eenheid.criteria if c.doelgroep is not None and c.doelgroep not in groups]
    return groups


def _calendar_day(value: date) -> date:
    # VERA types a Voorrangsregeling's begin and end as date-time: validity is judged per Dutch calendar day.
    return allocation_date_of(value) if isinstance(value, datetime) else value


def _has_urgentie(inschrijving: Inschrijving, eenheid: Eenheid, allocation_date: date) -> bool:
    """A URG Voorrangsregeling granted (status not AAN/AFG/VER) and valid on the day, begin and end day included."""
    gemeente = gemeente_of(eenheid).code
    return any(
        v.soort is VoorrangSoort.URG
        and v.status not in _NOT_GRANTED
        and _calendar_day(v.begindatum) <= allocation_date
        and (v.einddatum is None or allocation_date <= _calendar_day(v.einddatum))
        and (v.gemeente is None or v.gemeente.code == gemeente)
        for v in inschrijving.voorrangsregelingen
    )


def _tier_applies(tier: VoorrangTier, eenheid: Eenheid) -> bool:
    """Whether a tier can make a difference on this unit (URG always; the others only when listed)."""
    if tier is VoorrangTier.URG:
        return True
    if tier is VoorrangTier.BIN_KRN:
        return _has_criterion(eenheid, EenheidCriteriumDetailSoort.KRN)
    if tier is VoorrangTier.BIN_REG:
        return _has_criterion(eenheid, EenheidCriteriumDetailSoort.REG)
    return bool(_unit_doelgroepen(eenheid))


def _tier_check(
    tier: VoorrangTier,
    eenheid: Eenheid,
    *,
    region_gemeenten: frozenset[str],
    policy: RegionPolicy,
    allocation_date: date,
) -> Callable[[Inschrijving], bool]:
    """The test of one tier for households on one unit (the unit's part is worked out once)."""
    if tier is VoorrangTier.URG:
        return lambda inschrijving: _has_urgentie(inschrijving, eenheid, allocation_date)
    if tier is VoorrangTier.BIN_KRN:
        if not _has_criterion(eenheid, EenheidCriteriumDetailSoort.KRN):
            return lambda inschrijving: False
        unit_gemeente = gemeente_of(eenheid).code
        return lambda inschrijving: inschrijving.gemeente.code == unit_gemeente
    if tier is VoorrangTier.BIN_REG:
        if not _has_criterion(eenheid, EenheidCriteriumDetailSoort.REG):
            return lambda inschrijving: False
        return lambda inschrijving: inschrijving.gemeente.code in region_gemeenten
    groups = _unit_doelgroepen(eenheid)
    return lambda inschrijving: any(
        household_in_doelgroep(group, inschrijving, allocation_date, policy) for group in groups
    )


def voorrang_matches(
    tier: VoorrangTier,
    inschrijving: Inschrijving,
    eenheid: Eenheid,
    *,
    region_gemeenten: frozenset[str],
    policy: RegionPolicy,
    allocation_date: date,
) -> bool:
    """Whether the household gets this voorrang tier on this unit (see the module docstring)."""
    check = _tier_check(
        tier, eenheid, region_gemeenten=region_gemeenten, policy=policy, allocation_date=allocation_date
    )
    return check(inschrijving)


# --- explanations (Dutch, for staff) -------------------------------------------------------------------


def _dutch_date(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _duration(since: date, on: date) -> str:
    months = max(age_in_months(since, on), 0)
    rest = months % 12
    return f"{months // 12} jaar en {rest} {'maand' if rest == 1 else 'maanden'}"


class _Explainer:
    """Builds the Rangschikkingscriterium objects.

    Identical voorrang criteria are shared between the candidates of one list (a list holds thousands);
    treat a released list's criteria as read-only.
    """

    def __init__(self, region: RegionConfig, eenheid: Eenheid, allocation_date: date) -> None:
        self.region = region
        self.eenheid = eenheid
        self.allocation_date = allocation_date
        self._cache: dict[tuple[Any, ...], Rangschikkingscriterium] = {}

    def voorrang(self, tier: VoorrangTier, matched: bool) -> Rangschikkingscriterium:
        key = ("voorrang", tier, matched)
        cached = self._cache.get(key)
        if cached is None:
            cached = Rangschikkingscriterium(
                criterium="voorrang",
                waarde=f"{tier.value}: {'ja' if matched else 'nee'}",
                omschrijving=self._voorrang_text(tier, matched),
            )
            self._cache[key] = cached
        return cached

    def _voorrang_text(self, tier: VoorrangTier, matched: bool) -> str:
        day = _dutch_date(self.allocation_date)
        gemeente = gemeente_of(self.eenheid)
        if tier is VoorrangTier.URG:
            if matched:
                return f"Urgentie: geldige urgentieverklaring op {day}; gaat voor op kandidaten zonder urgentie."
            return f"Urgentie: geen geldige urgentieverklaring op {day}."
        if tier is VoorrangTier.BIN_KRN:
            if matched:
                return f"Lokale binding (BIN/KRN): woont in {gemeente.naam}, de gemeente van de woning; gaat voor."
            return f"Lokale binding (BIN/KRN): woont niet in {gemeente.naam}, de gemeente van de woning."
        if tier is VoorrangTier.BIN_REG:
            if matched:
                return f"Regionale binding (BIN/REG): woont in de regio {self.region.region.name}; gaat voor."
            return f"Regionale binding (BIN/REG): woont niet in de regio {self.region.region.name}."
        groups = ", ".join(f"{g.naam} ({g.code})" for g in _unit_doelgroepen(self.eenheid))
        if matched:
            return f"Doelgroep: huishouden hoort bij de doelgroep van de woning ({groups}); gaat voor."
        return f"Doelgroep: huishouden hoort niet bij de doelgroep van de woning ({groups})."

    def inschrijfduur(self, inschrijving: Inschrijving, *, tie_break: bool = False) -> Rangschikkingscriterium:
        since = inschrijving.begindatum
        lead = "Bij gelijke stand op de criteria hierboven: i" if tie_break else "I"
        return Rangschikkingscriterium(
            criterium="inschrijfduur",
            waarde=since.isoformat(),
            omschrijving=(
                f"{lead}ngeschreven sinds {_dutch_date(since)}: {_duration(since, self.allocation_date)} op "
                f"{_dutch_date(self.allocation_date)}. Langste inschrijfduur gaat voor."
            ),
        )

    def lot(self, lot: str, *, tie_break: bool) -> Rangschikkingscriterium:
        rule = (
            "Bij gelijke stand op de criteria hierboven beslist het lot"
            if tie_break
            else "Loting: het laagste lotnummer gaat voor"
        )
        return Rangschikkingscriterium(
            criterium=LOT_CRITERIUM,
            waarde=lot,
            omschrijving=(
                f"{rule}. Lotnummer = HMAC-SHA256(lotingzaad, reactiesDigest + ':' + kandidaatnummer); het "
                "lotingzaad lag vast (en was gepubliceerd als hash) voordat iemand reageerde, de lijst van "
                "reacties pas bij sluiting. Na te rekenen met docs/verify_lottery.py."
            ),
        )

    def reactiedatum(self, kandidaat: Kandidaat, *, tie_break: bool = False) -> Rangschikkingscriterium:
        moment = kandidaat.reactiedatum
        local = moment.astimezone(DUTCH_TIME)
        return Rangschikkingscriterium(
            criterium="reactiedatum",
            waarde=moment.isoformat().replace("+00:00", "Z"),
            omschrijving=(
                f"{'Bij gelijke stand op de criteria hierboven: g' if tie_break else 'G'}ereageerd op "
                f"{_dutch_date(local.date())} om {local:%H:%M:%S} (Nederlandse tijd). "
                "Eerste reactie gaat voor."
            ),
        )

    def volgorde(self, kandidaat_id: str) -> Rangschikkingscriterium:
        return Rangschikkingscriterium(
            criterium="volgorde",
            waarde=kandidaat_id,
            omschrijving=(
                "Gelijke stand op alle voorgaande criteria en geen lotingzaad bij deze publicatie: het "
                "kandidaatnummer (een hash, geen volgorde van inschrijven) beslist."
            ),
        )


# --- ranking -------------------------------------------------------------------------------------------


def _first_responses(reacties: Iterable[Reactie], publicatie_id: str) -> tuple[list[Reactie], list[Rejection]]:
    """One response per Inschrijving: the earliest counts, later ones are rejected as duplicates."""
    chosen: dict[str, Reactie] = {}
    duplicates: list[Reactie] = []
    for reactie in reacties:
        kandidaat = reactie.kandidaat
        if kandidaat.publicatie.id != publicatie_id:
            raise ValueError(f"kandidaat {kandidaat.id} responded to another publicatie")
        if kandidaat.inschrijving.id != reactie.inschrijving.id:
            raise ValueError(f"kandidaat {kandidaat.id} does not refer to the inschrijving it came with")
        key = reactie.inschrijving.id
        held = chosen.get(key)
        if held is None:
            chosen[key] = reactie
            continue
        if (kandidaat.reactiedatum, kandidaat.id) < (held.kandidaat.reactiedatum, held.kandidaat.id):
            chosen[key], reactie = reactie, held
        duplicates.append(reactie)
    rejected = [Rejection(r.kandidaat, (RejectionReason.DUBBELE_REACTIE,)) for r in duplicates]
    return list(chosen.values()), rejected


def rank_kandidaten(
    publicatie: Publicatie,
    reacties: Iterable[Reactie],
    *,
    region: RegionConfig,
    parameters: YearParameters,
    allocation_date: date,
    vastgesteld_op: datetime,
    sancties: Iterable[Sanctie] = (),
    lotingzaad: str | None = None,
    passend_exceptions: Mapping[str, PassendheidDetailSoort] | None = None,
    free_room: FreeRoom = NO_ROOM,
) -> RankingResult:
    """Check every response's eligibility and rank the eligible ones for `publicatie`'s unit.

    `parameters` must belong to `allocation_date`'s year; `vastgesteld_op` is the moment the list is
    fixed (recorded on the Kandidatenlijst). `lotingzaad` is the listing's secret drawn at publication
    (a lottery listing needs it; other listings break ties with it). `passend_exceptions` maps an
    Inschrijving id to the exception recorded for it; `free_room` is the owning corporation's room this
    year outside the passend and DAEB norms (gateway.flow.free_room). The result does not depend on the
    order of `reacties`.
    """
    policy = region.policy
    rule = policy.rule_for(publicatie.model)
    if lotingzaad is not None:
        lotingzaad_commitment(lotingzaad)  # a malformed secret is an error here, not a wrong draw
    elif rule is RankingRule.LOTING:
        raise ValueError("a lottery needs the lotingzaad fixed at publication, before the draw")
    eenheid = publicatie.eenheid
    exceptions = passend_exceptions or {}
    sancties_by_id: dict[str, list[Sanctie]] = {}
    for sanctie in sancties:
        sancties_by_id.setdefault(sanctie.inschrijving.id, []).append(sanctie)

    reacties = list(reacties)
    standing = tuple(sorted({r.kandidaat.id for r in reacties}))
    digest = reacties_digest(standing) if lotingzaad is not None else None
    sort_keys = _sort_keys(rule, policy.tie_breakers, has_lot=lotingzaad is not None)
    responses, rejected = _first_responses(reacties, publicatie.id)
    tiers = [tier for tier in policy.voorrang if _tier_applies(tier, eenheid)]
    region_gemeenten = region.gemeente_codes
    checks = [
        _tier_check(tier, eenheid, region_gemeenten=region_gemeenten, policy=policy, allocation_date=allocation_date)
        for tier in tiers
    ]
    rows: list[tuple[tuple[Any, ...], Reactie, tuple[bool, ...], str | None]] = []
    eligibility: dict[str, Eligibility] = {}
    for reactie in responses:
        inschrijving = reactie.inschrijving
        outcome = check_eligibility(
            inschrijving,
            eenheid,
            policy=policy,
            parameters=parameters,
            allocation_date=allocation_date,
            sancties=sancties_by_id.get(inschrijving.id, ()),
            passend_exception=exceptions.get(inschrijving.id),
            free_room=free_room,
        )
        if not outcome.eligible:
            rejected.append(Rejection(reactie.kandidaat, outcome.reasons))
            continue
        eligibility[reactie.kandidaat.id] = outcome
        matched = tuple(check(inschrijving) for check in checks)
        lot = lotnummer(lotingzaad, digest, reactie.kandidaat.id) if lotingzaad is not None and digest else None
        values: list[Any] = []
        for sort_key in sort_keys:
            if sort_key is TieBreaker.INSCHRIJFDATUM:
                values.append(inschrijving.begindatum)
            elif sort_key is TieBreaker.REACTIEDATUM:
                values.append(reactie.kandidaat.reactiedatum)
            else:
                values.append(lot)
        # `not m`: a matched tier (False) sorts before an unmatched one (True).
        primary = (tuple(not m for m in matched), tuple(values))
        rows.append(((primary, reactie.kandidaat.id), reactie, matched, lot))
    rows.sort(key=lambda row: row[0])

    explain = _Explainer(region, eenheid, allocation_date)
    # Every candidate on the list met the unit's selection criteria: say which, with their bounds only.
    selection_texts = [
        Rangschikkingscriterium(
            criterium="selectie",
            waarde=f"{c.soort.code} {criterium_bounds(c)}",
            omschrijving=f"Selectiecriterium {c.soort.naam.lower()} van de woning: {criterium_bounds(c)}; voldoet.",
        )
        for c in selection_criteria(eenheid)
    ]
    kandidaten: list[Kandidaat] = []
    for index, (key, reactie, matched, lot) in enumerate(rows):
        criteria = [explain.voorrang(tier, m) for tier, m in zip(tiers, matched, strict=True)]
        for position, sort_key in enumerate(sort_keys):
            if sort_key is TieBreaker.INSCHRIJFDATUM:
                criteria.append(explain.inschrijfduur(reactie.inschrijving, tie_break=position > 0))
            elif sort_key is TieBreaker.REACTIEDATUM:
                criteria.append(explain.reactiedatum(reactie.kandidaat, tie_break=position > 0))
            else:
                assert lot is not None
                criteria.append(explain.lot(lot, tie_break=position > 0))
        tied = (index > 0 and rows[index - 1][0][0] == key[0]) or (
            index + 1 < len(rows) and rows[index + 1][0][0] == key[0]
        )
        if tied:
            criteria.append(explain.volgorde(reactie.kandidaat.id))
        criteria.extend(selection_texts)
        outcome = eligibility[reactie.kandidaat.id]
        kandidaten.append(
            reactie.kandidaat.model_copy(
                update={
                    "positie": index + 1,
                    "rangschikking": criteria,
                    "aantal_volwassenen": reactie.inschrijving.aantal_volwassenen,
                    "aantal_kinderen": reactie.inschrijving.aantal_kinderen,
                    "passendheidsoort": outcome.passendheidsoort,
                }
            )
        )
    lijst = Kandidatenlijst(
        publicatie=Sleutel(id=publicatie.id, code=publicatie.code),
        id_organisatie=publicatie.id_organisatie,
        vastgesteld_op=vastgesteld_op,
        lotingzaad=lotingzaad,
        kandidaten=kandidaten,
    )
    rejected.sort(key=lambda r: r.kandidaat.id)
    return RankingResult(lijst, tuple(rejected), eligibility, standing if digest else (), digest)


_RULE_KEY = {
    RankingRule.INSCHRIJFDUUR: TieBreaker.INSCHRIJFDATUM,
    RankingRule.REACTIEDATUM: TieBreaker.REACTIEDATUM,
    RankingRule.LOTING: TieBreaker.LOTING,
}


def _sort_keys(rule: RankingRule, tie_breakers: Iterable[TieBreaker], *, has_lot: bool) -> list[TieBreaker]:
    """The publicatiemodel's key, then the region's tie-breakers not yet used, up to the lot (which
    settles every tie). Without a lotingzaad the lot is left out."""
    keys = [_RULE_KEY[rule]]
    for breaker in tie_breakers:
        if keys[-1] is TieBreaker.LOTING:
            break
        if breaker not in keys and (breaker is not TieBreaker.LOTING or has_lot):
            keys.append(breaker)
    return keys
