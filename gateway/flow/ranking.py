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
3. ties: the Inschrijving id, compared as text (Unicode code points), lower first.

Each Kandidaat gets positie 1..n and a `rangschikking`: the criteria above with the candidate's value
and a Dutch explanation for staff. Ineligible responses are not ranked; they come back separately with
their reason codes. A second response from the same Inschrijving is rejected (DUBBELE_REACTIE); the
first (earliest reactiedatum, then lowest Kandidaat id) counts.

The lottery is verifiable. Its seed, `lotingzaad`, is 32 random bytes written as 64 lower-case hex
characters, drawn when the listing is published (`new_lotingzaad`); its SHA-256 (`lotingzaad_commitment`)
is published with the listing, so the seed is fixed before anyone responds. The seed is stored on the
Kandidatenlijst after the draw, and anyone can recompute every lot number:

    lotnummer = HMAC-SHA256(key = bytes.fromhex(lotingzaad), message = inschrijving_id as UTF-8), in hex

(in Python: `hmac.new(bytes.fromhex(seed), id.encode(), hashlib.sha256).hexdigest()`). Within a voorrang
group, the lower lot number (compared as text, which for equal-length hex is numeric order) goes first.
`verify_lottery` performs that check on a released Kandidatenlijst.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
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
from gateway.flow.parameters import DUTCH_TIME, YearParameters, age_in_months, allocation_date_of
from gateway.flow.policy import RankingRule, RegionConfig, RegionPolicy, VoorrangTier
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
    "lotingzaad_commitment",
    "lotnummer",
    "new_lotingzaad",
    "rank_kandidaten",
    "verify_lottery",
    "voorrang_matches",
]

_SEED = re.compile(r"^[0-9a-f]{64}$")

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


# --- the lottery ---------------------------------------------------------------------------------------


def new_lotingzaad() -> str:
    """Draw a fresh seed: 32 random bytes as 64 hex characters. The one impure function here."""
    return secrets.token_hex(32)


def _seed_bytes(lotingzaad: str) -> bytes:
    if not _SEED.match(lotingzaad):
        raise ValueError("a lotingzaad is 64 lower-case hexadecimal characters (32 bytes)")
    return bytes.fromhex(lotingzaad)


def lotingzaad_commitment(lotingzaad: str) -> str:
    """SHA-256 of the seed's bytes, in hex: published with the listing before anyone can respond."""
    return hashlib.sha256(_seed_bytes(lotingzaad)).hexdigest()


def lotnummer(lotingzaad: str, inschrijving_id: str) -> str:
    """The lot number: HMAC-SHA256 keyed with the seed's bytes over the Inschrijving id (UTF-8), in hex."""
    return hmac.new(_seed_bytes(lotingzaad), inschrijving_id.encode("utf-8"), hashlib.sha256).hexdigest()


def verify_lottery(lijst: Kandidatenlijst, commitment: str | None = None) -> list[str]:
    """Recompute a released lottery from its seed. Returns the problems found; an empty list is a pass.

    Checks the seed against the published `commitment` (when given), every candidate's lot number
    against HMAC-SHA256(seed, inschrijving id), and that within each voorrang group the positions follow
    the lot numbers (lower first, equal lots by inschrijving id).
    """
    if lijst.lotingzaad is None:
        return ["the kandidatenlijst has no lotingzaad: it was not drawn by lot"]
    problems = []
    if commitment is not None and not hmac.compare_digest(lotingzaad_commitment(lijst.lotingzaad), commitment):
        problems.append("the lotingzaad does not match the commitment published with the listing")
    previous: tuple[tuple[str, ...], str, str] | None = None
    for kandidaat in lijst.kandidaten:
        recorded = [c.waarde for c in kandidaat.rangschikking if c.criterium == "lotnummer"]
        expected = lotnummer(lijst.lotingzaad, kandidaat.inschrijving.id)
        if recorded != [expected]:
            problems.append(f"positie {kandidaat.positie}: recorded lot number differs from the recomputed one")
        group = tuple(c.waarde for c in kandidaat.rangschikking if c.criterium == "voorrang")
        current = (group, expected, kandidaat.inschrijving.id)
        if previous is not None and previous[0] == group and previous[1:] > current[1:]:
            problems.append(f"positie {kandidaat.positie}: placed after a higher lot number in its voorrang group")
        previous = current
    return problems


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

    def inschrijfduur(self, inschrijving: Inschrijving) -> Rangschikkingscriterium:
        since = inschrijving.begindatum
        return Rangschikkingscriterium(
            criterium="inschrijfduur",
            waarde=since.isoformat(),
            omschrijving=(
                f"Ingeschreven sinds {_dutch_date(since)}: {_duration(since, self.allocation_date)} op "
                f"{_dutch_date(self.allocation_date)}. Langste inschrijfduur gaat voor."
            ),
        )

    def lot(self, lot: str) -> Rangschikkingscriterium:
        return Rangschikkingscriterium(
            criterium="lotnummer",
            waarde=lot,
            omschrijving=(
                "Loting: lotnummer = HMAC-SHA256(lotingzaad, inschrijvingsnummer); het laagste lotnummer "
                "gaat voor. Na te rekenen met het lotingzaad op de kandidatenlijst."
            ),
        )

    def reactiedatum(self, kandidaat: Kandidaat) -> Rangschikkingscriterium:
        moment = kandidaat.reactiedatum
        local = moment.astimezone(DUTCH_TIME)
        return Rangschikkingscriterium(
            criterium="reactiedatum",
            waarde=moment.isoformat().replace("+00:00", "Z"),
            omschrijving=(
                f"Gereageerd op {_dutch_date(local.date())} om {local:%H:%M:%S} (Nederlandse tijd). "
                "Eerste reactie gaat voor."
            ),
        )

    def volgorde(self, inschrijving_id: str) -> Rangschikkingscriterium:
        return Rangschikkingscriterium(
            criterium="volgorde",
            waarde=inschrijving_id,
            omschrijving=(
                "Gelijke stand op alle voorgaande criteria: het laagste inschrijvingsnummer "
                "(in tekenvolgorde) gaat voor."
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
) -> RankingResult:
    """Check every response's eligibility and rank the eligible ones for `publicatie`'s unit.

    `parameters` must belong to `allocation_date`'s year; `vastgesteld_op` is the moment the list is
    fixed (recorded on the Kandidatenlijst). A lottery listing needs the `lotingzaad` drawn at
    publication. `passend_exceptions` maps an Inschrijving id to the exception recorded for it.
    The result does not depend on the order of `reacties`.
    """
    policy = region.policy
    rule = policy.rule_for(publicatie.model)
    if rule is RankingRule.LOTING:
        if lotingzaad is None:
            raise ValueError("a lottery needs the lotingzaad fixed at publication, before the draw")
        _seed_bytes(lotingzaad)
    elif lotingzaad is not None:
        raise ValueError(f"a lotingzaad was given for a listing ranked by {rule.value}")
    eenheid = publicatie.eenheid
    exceptions = passend_exceptions or {}
    sancties_by_id: dict[str, list[Sanctie]] = {}
    for sanctie in sancties:
        sancties_by_id.setdefault(sanctie.inschrijving.id, []).append(sanctie)

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
        )
        if not outcome.eligible:
            rejected.append(Rejection(reactie.kandidaat, outcome.reasons))
            continue
        eligibility[reactie.kandidaat.id] = outcome
        matched = tuple(check(inschrijving) for check in checks)
        lot: str | None = None
        model_key: Any
        if rule is RankingRule.INSCHRIJFDUUR:
            model_key = inschrijving.begindatum
        elif rule is RankingRule.REACTIEDATUM:
            model_key = reactie.kandidaat.reactiedatum
        else:
            assert lotingzaad is not None
            lot = model_key = lotnummer(lotingzaad, inschrijving.id)
        # `not m`: a matched tier (False) sorts before an unmatched one (True).
        primary = (tuple(not m for m in matched), model_key)
        rows.append(((primary, inschrijving.id), reactie, matched, lot))
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
        if rule is RankingRule.INSCHRIJFDUUR:
            criteria.append(explain.inschrijfduur(reactie.inschrijving))
        elif rule is RankingRule.REACTIEDATUM:
            criteria.append(explain.reactiedatum(reactie.kandidaat))
        else:
            assert lot is not None
            criteria.append(explain.lot(lot))
        tied = (index > 0 and rows[index - 1][0][0] == key[0]) or (
            index + 1 < len(rows) and rows[index + 1][0][0] == key[0]
        )
        if tied:
            criteria.append(explain.volgorde(reactie.inschrijving.id))
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
    return RankingResult(lijst, tuple(rejected), eligibility)
