"""What publishing a unit needs, checked in one place and all at once.

The canonical `Eenheid` accepts what VERA allows: a corporation's system knows a unit before it can be
let, and real VERA documents leave out its owner, address, rent or label. Publication is where the flow
acts on those facts (eligibility needs the rent and label, ranking the gemeente, the listing its owner),
so `publication_problems` lists every missing or unusable thing, each with its JSON pointer into the
unit, and the publish step holds a unit with problems instead of publishing it as if complete.

Also held: a unit whose conditions the flow cannot apply. A VERA `voorwaarden` or `criteria` attribute
Woonbrug does not model (kept in `veraOverig`) or a bound criterium used for sorting would otherwise be
published as if unconstrained, making households eligible that the corporation excludes.

The accessors (`owner_of`, `gemeente_of`, `rekenhuur_of`) give the flow the facts publication
guaranteed, typed as present; reaching one without them is a bug and says which fact is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from schemas import Eenheid, EenheidCriteriumSoort, EenheidCriteriumToepassing, Gemeente

__all__ = [
    "BOUNDED_CRITERIA",
    "NotPublishable",
    "PublicationProblem",
    "describe",
    "gemeente_of",
    "owner_of",
    "publication_problems",
    "rekenhuur_of",
]

# Criteria with a bound on a household fact that eligibility applies (see gateway.flow.eligibility).
BOUNDED_CRITERIA = frozenset({EenheidCriteriumSoort.INK, EenheidCriteriumSoort.LEE, EenheidCriteriumSoort.PER})


@dataclass(frozen=True)
class PublicationProblem:
    """One reason a unit cannot be published yet: where in the unit (JSON pointer) and what is wrong."""

    pointer: str
    reason: str

    def __str__(self) -> str:
        return f"{self.pointer}: {self.reason}"


class NotPublishable(ValueError):
    """A fact publication guarantees was missing where the flow needed it (a unit that skipped the check)."""


def publication_problems(eenheid: Eenheid) -> list[PublicationProblem]:
    """Every reason `eenheid` cannot be published, in the order of its attributes; empty when it can."""
    problems: list[PublicationProblem] = []

    def missing(pointer: str, what: str) -> None:
        problems.append(PublicationProblem(pointer, f"{what} is needed to publish the unit"))

    if eenheid.id_organisatie is None:
        missing("/idOrganisatie", "the owning corporation (idOrganisatie)")
    if eenheid.soort is None:
        missing("/soort", "the kind of unit (soort, EENHEIDSOORT)")
    adres = eenheid.adres
    if adres is None:
        missing("/adres", "an address (straatnaam, huisnummer, postcode, woonplaats, gemeente)")
    else:
        if adres.straatnaam is None:
            missing("/adres/straatnaam", "a street name")
        if adres.huisnummer is None:
            missing("/adres/huisnummer", "a house number")
        if adres.postcode is None:
            missing("/adres/postcode", "a postcode")
        if adres.woonplaats is None or adres.woonplaats.naam is None:
            missing("/adres/woonplaats/naam", "a woonplaats name")
        if adres.gemeente is None:
            missing("/adres/gemeente", "the gemeente (CBS code GMxxxx: binding and reports are per gemeente)")
    if eenheid.kamers_aantal is None:
        missing("/kamersAantal", "the number of rooms (kamersAantal)")
    if eenheid.rekenhuur is None:
        missing("/rekenhuur", "the rent (rekenhuur: passend toewijzen tests it)")
    if eenheid.maatschappelijk_label is None:
        missing("/maatschappelijkLabel", "the label (maatschappelijkLabel: DAEB income limits depend on it)")
    for index, criterium in enumerate(eenheid.criteria):
        here = f"/criteria/{index}"
        if criterium.soort not in BOUNDED_CRITERIA:
            continue
        bounds = (criterium.aantal_ondergrens, criterium.aantal_bovengrens, criterium.aantal_exact)
        if all(bound is None for bound in bounds):
            problems.append(
                PublicationProblem(
                    here,
                    f"criterium {criterium.soort.code} has no aantalOndergrens, aantalBovengrens or aantalExact: "
                    "the flow cannot tell whom it admits",
                )
            )
        if criterium.toepassing is EenheidCriteriumToepassing.SOR:
            problems.append(
                PublicationProblem(
                    f"{here}/toepassing",
                    f"sorting by criterium {criterium.soort.code} (toepassing SOR) is not part of the region's "
                    "ranking; the listing is held rather than ranked without it",
                )
            )
    for pointer in sorted(eenheid.vera_overig or {}):
        if pointer.startswith(("/voorwaarden/", "/criteria/")) or pointer in ("/voorwaarden", "/criteria"):
            problems.append(
                PublicationProblem(
                    pointer,
                    "a VERA condition Woonbrug does not apply; publishing would admit households the "
                    "corporation excludes",
                )
            )
    return problems


def describe(eenheid_id: str, problems: list[PublicationProblem]) -> str:
    """One text for region staff naming every problem (ids and attribute names only, no values)."""
    listed = "; ".join(str(problem) for problem in problems)
    return f"eenheid {eenheid_id} is held, not published: {len(problems)} problem(s): {listed}"


def owner_of(eenheid: Eenheid) -> str:
    if eenheid.id_organisatie is None:
        raise NotPublishable(f"eenheid {eenheid.id} has no idOrganisatie (publication requires it)")
    return eenheid.id_organisatie


def gemeente_of(eenheid: Eenheid) -> Gemeente:
    if eenheid.adres is None or eenheid.adres.gemeente is None:
        raise NotPublishable(f"eenheid {eenheid.id} has no adres.gemeente (publication requires it)")
    return eenheid.adres.gemeente


def rekenhuur_of(eenheid: Eenheid) -> Decimal:
    if eenheid.rekenhuur is None:
        raise NotPublishable(f"eenheid {eenheid.id} has no rekenhuur (publication requires it)")
    return eenheid.rekenhuur
