"""Fictional people and homes for the demo, the same for the same seed.

Every person is invented: names from short lists, BSNs that pass the 11-check but are drawn at random,
incomes and dates spread plausibly. Nothing here is real personal data.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from schemas import EenheidVrijgekomen, Inschrijving, MessageSource, PublicatieModel
from schemas.types import bsn_check_digit

__all__ = ["bsn", "seekers", "vacancies"]

_VOORNAMEN = ("Anouk", "Bram", "Daan", "Emma", "Fenna", "Jesse", "Lotte", "Milan", "Noor", "Sem", "Tess", "Yara")
_ACHTERNAMEN = ("de Boer", "Bakker", "Hendriks", "Jansen", "Kuipers", "Mulder", "Peters", "Smit", "Visser", "Willems")
# Mostly the region's own gemeenten, some from elsewhere (the seekers corporations fear).
_GEMEENTEN = (
    ("GM0268", "Nijmegen"),
    ("GM0268", "Nijmegen"),
    ("GM0202", "Arnhem"),
    ("GM0202", "Arnhem"),
    ("GM0274", "Renkum"),
    ("GM0363", "Amsterdam"),
    ("GM0344", "Utrecht"),
)
_LETTERS = "ABCEGHJKLMNPRTVWXZ"  # no SA/SD/SS pairs can come out of these
_STRATEN = ("Molenstraat", "Kerkstraat", "Graafseweg", "Sonsbeeksingel", "Utrechtseweg", "Dorpsstraat", "Ringlaan")


def bsn(rng: random.Random) -> str:
    """A random nine-digit number that passes the 11-check (so the model accepts it)."""
    while True:
        first_eight = "".join(str(rng.randint(0, 9)) for _ in range(8))
        check = bsn_check_digit(first_eight)
        if check is not None and first_eight[0] != "0":
            return first_eight + str(check)


def seekers(count: int, *, seed: int, today: date) -> list[Inschrijving]:
    rng = random.Random(seed)  # noqa: S311 - demo data, not cryptography
    out = []
    for n in range(1, count + 1):
        age = rng.choice((19, 21, 24, 28, 33, 38, 45, 52, 61, 68, 74))
        born = today.replace(year=today.year - age) - timedelta(days=rng.randint(1, 360))
        adults = 1 if rng.random() < 0.55 else 2
        children = 0 if rng.random() < 0.6 else rng.randint(1, 3)
        income = Decimal(rng.randint(14_000, 62_000))
        gemeente_code, gemeente = rng.choice(_GEMEENTEN)
        data: dict[str, Any] = {
            "id": f"INS-{n:05d}",
            "status": {"code": "LOP"},
            "begindatum": (today - timedelta(days=rng.randint(30, 12 * 365))).isoformat(),
            "aanvrager": _person(rng, born),
            "aantalVolwassenen": adults,
            "aantalKinderen": children,
            "inkomen": {"bedrag": income, "jaar": today.year - 1, "bron": {"code": rng.choice(("ARB", "SOC"))}},
            "woonsituatie": {"soort": {"code": rng.choice(("STA", "DOO"))}},
            "gemeente": {"code": gemeente_code, "naam": gemeente},
        }
        if adults == 2:
            data["medeaanvrager"] = _person(rng, born + timedelta(days=rng.randint(-2000, 2000)), with_bsn=False)
        if rng.random() < 0.04:
            start = datetime.combine(today - timedelta(days=30), datetime.min.time(), tzinfo=UTC)
            data["voorrangsregelingen"] = [
                {"soort": {"code": "URG"}, "detailSoort": {"code": "MED"}, "begindatum": start.isoformat()}
            ]
        out.append(Inschrijving.model_validate(data))
    return out


def _person(rng: random.Random, born: date, *, with_bsn: bool = True) -> dict[str, Any]:
    person: dict[str, Any] = {
        "voornaam": rng.choice(_VOORNAMEN),
        "achternaam": rng.choice(_ACHTERNAMEN),
        "geboortedatum": born.isoformat(),
        "contactgegevens": [{"soort": {"code": "EMA"}, "waarde": f"zoeker{rng.randint(1000, 9999)}@example.org"}],
    }
    if with_bsn:
        person["bsn"] = bsn(rng)
    return person


def vacancies(
    corporatie: str, system: str, gemeenten: list[tuple[str, str]], count: int, *, seed: int, first: int = 1
) -> list[EenheidVrijgekomen]:
    """`count` vacancy reports of one corporation, spread over the allocation models the demo shows."""
    rng = random.Random(seed)  # noqa: S311 - demo data
    models = (PublicatieModel.AAN, PublicatieModel.AAN, PublicatieModel.LOT, PublicatieModel.EER)
    out = []
    for n in range(first, first + count):
        code, naam = rng.choice(gemeenten)
        kamers = rng.randint(1, 4)
        kale = Decimal(rng.randint(420_00, 820_00)) / 100
        service = Decimal(rng.choice((0, 15_00, 35_00))) / 100
        binding = rng.random() < 0.4
        eenheid: dict[str, Any] = {
            "id": f"{corporatie.upper()}-E{n:04d}",
            "idOrganisatie": corporatie,
            "soort": {"code": "WOO"},
            "adres": {
                "straatnaam": rng.choice(_STRATEN),
                "huisnummer": str(rng.randint(1, 180)),
                "postcode": f"{6800 + rng.randint(0, 199)} {rng.choice(_LETTERS)}{rng.choice(_LETTERS)}",
                "woonplaats": {"naam": naam},
                "gemeente": {"code": code, "naam": naam},
            },
            "kamersAantal": kamers,
            "prijscomponenten": [{"soort": {"code": "NET"}, "bedrag": kale}]
            + ([{"soort": {"code": "SER"}, "bedrag": service}] if service else []),
            "rekenhuur": kale + service,
            "maatschappelijkLabel": {"code": "DAE" if kale + service <= Decimal("879.66") else "NDA"},
            "voorwaarden": {"minimumAantalPersonen": 1, "maximumAantalPersonen": kamers + 2},
            "criteria": [{"soort": {"code": "BIN"}, "detailsoort": {"code": "REG"}}] if binding else [],
        }
        out.append(
            EenheidVrijgekomen.model_validate(
                {
                    "messageId": f"{corporatie}-vrij-{n:04d}",
                    "correlationId": f"{corporatie}-flow-{n:04d}",
                    "source": MessageSource(tenant=corporatie, system=system),
                    "payload": {
                        "eenheid": eenheid,
                        "beschikbaarPer": "2026-04-01",
                        "gewenstModel": {"code": rng.choice(models).code},
                    },
                }
            )
        )
    return out
