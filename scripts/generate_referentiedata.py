"""Write `schemas/referentiedata.py` from VERA's Referentiedata.csv.

The code lists are facts of the VERA standard; this script turns the ones the canonical model uses into
Python enums so the project never ships VERA's files. Run it when VERA publishes new reference data:

    python scripts/generate_referentiedata.py ../shared/vera/Referentiedata.csv ../shared/vera/WRV-4.3.0.yaml \
        | ruff format - > schemas/referentiedata.py

Every code list the WRV spec references ("Referentiedata: SOORT." in a field's description) and the CSV
holds is generated; lists the spec names but the CSV lacks (LAND, NATIONALITEIT, ... which VERA leaves
to other registers) cannot be, and are named in the generated module's docstring.

`tests/schemas/test_referentiedata.py` compares the result with the CSV, so drift is caught either way.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from datetime import date

# VERA code list (Soort) -> Python enum name, where the name is not simply derived (`enum_name`): the lists
# the canonical model used first keep the names its code already speaks.
NAMED_LISTS: dict[str, str] = {
    "AANBIEDINGDETAILSTATUS": "AanbiedingDetailStatus",
    "AANBIEDINGSTATUS": "AanbiedingStatus",
    "AANVULLENDEDOELGROEP": "AanvullendeDoelgroep",
    "CONTACTGEGEVENSOORT": "ContactgegevenSoort",
    "DOELGROEP": "Doelgroep",
    "EENHEIDCRITERIUMDETAILSOORT": "EenheidCriteriumDetailSoort",
    "EENHEIDCRITERIUMSOORT": "EenheidCriteriumSoort",
    "EENHEIDCRITERIUMTOEPASSING": "EenheidCriteriumToepassing",
    "EENHEIDDETAILSOORT": "EenheidDetailSoort",
    "EENHEIDSOORT": "EenheidSoort",
    "ENERGIELABEL": "Energielabel",
    "GESLACHT": "Geslacht",
    "INKOMENSBRON": "InkomensBron",
    "INKOMENSSOORT": "InkomensSoort",
    "KANDIDAATDETAILSTATUS": "KandidaatDetailStatus",
    "KANDIDAATSTATUS": "KandidaatStatus",
    "MAATSCHAPPELIJKLABEL": "MaatschappelijkLabel",
    "OVEREENKOMSTSOORT": "OvereenkomstSoort",
    "OVEREENKOMSTSTATUS": "OvereenkomstStatus",
    "PASSENDHEIDDETAILSOORT": "PassendheidDetailSoort",
    "PASSENDHEIDSSOORT": "PassendheidSoort",
    "PRIJSCOMPONENTSOORT": "PrijscomponentSoort",
    "PUBLICATIEDETAILMODEL": "PublicatieDetailModel",
    "PUBLICATIEDETAILSTATUS": "PublicatieDetailStatus",
    "PUBLICATIEMODEL": "PublicatieModel",
    "PUBLICATIESTATUS": "PublicatieStatus",
    "RECLAMATIESOORT": "ReclamatieSoort",
    "RECLAMATIESTATUS": "ReclamatieStatus",
    "SANCTIESOORT": "SanctieSoort",
    "SANCTIESTATUS": "SanctieStatus",
    "VOORRANGDETAILSOORT": "VoorrangDetailSoort",
    "VOORRANGSOORT": "VoorrangSoort",
    "VOORRANGSREGELINGSTATUS": "VoorrangsregelingStatus",
    "WOONSITUATIESOORT": "WoonsituatieSoort",
}


_VERA_DATE = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")
_REFERENCE = re.compile(r"Referentiedata: ([A-Za-z]+)")  # the spec once writes Puntenberekeningsoort
# Name parts, longest first: EENHEIDDETAILSOORT -> Eenheid + DetailSoort.
_SUFFIXES = (
    "DETAILSOORT",
    "DETAILSTATUS",
    "DETAILMODEL",
    "DETAILREDEN",
    "TOEPASSING",
    "SOORT",
    "STATUS",
    "MODEL",
    "REDEN",
)


class UnreadableDate(ValueError):
    """A validity date that is not d-m-yyyy (VERA's CSV has typos such as 22-11-24 and 14-02-205)."""


def parse_vera_date(text: str) -> date | None:
    """VERA writes validity dates as d-m-yyyy, sometimes without leading zeros."""
    if not text.strip():
        return None
    match = _VERA_DATE.fullmatch(text.strip())
    if match is None:
        raise UnreadableDate(text)
    day, month, year = (int(part) for part in match.groups())
    return date(year, month, day)


def referenced_lists(spec_path: str) -> set[str]:
    """Every code list the WRV spec names in a field's description."""
    with open(spec_path, encoding="utf-8") as handle:
        return {name.upper() for name in _REFERENCE.findall(handle.read())}


def enum_name(soort: str) -> str:
    if soort in NAMED_LISTS:
        return NAMED_LISTS[soort]
    for suffix in _SUFFIXES:
        if soort.endswith(suffix) and soort != suffix:
            return soort[: -len(suffix)].capitalize() + _camel(suffix)
    return soort.capitalize()


def _camel(suffix: str) -> str:
    return suffix.capitalize().replace("Detail", "Detail ").title().replace(" ", "")


def member_name(code: str) -> str:
    name = code.upper().replace("-", "_").replace(".", "_").replace(" ", "_")
    return name if name.isidentifier() and not name[0].isdigit() else f"C_{name}"


def main(csv_path: str, spec_path: str) -> None:
    wanted = referenced_lists(spec_path) | set(NAMED_LISTS)
    periods: dict[str, dict[str, list[tuple[str, date | None, date | None, str]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    unreadable: list[str] = []
    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            if row["Soort"] not in wanted:
                continue
            bounds = []
            for column in ("Begindatum", "Einddatum"):
                try:
                    bounds.append(parse_vera_date(row[column]))
                except UnreadableDate:
                    # Never guess a year: the bound is left open (the code stays acceptable) and said.
                    unreadable.append(f"{row['Soort']}.{row['Code']} {column} {row[column].strip()!r}")
                    bounds.append(None)
            periods[row["Soort"]][row["Code"]].append((row["Naam"], bounds[0], bounds[1], row["Parent"].strip()))
    lists = sorted(periods)
    absent = sorted(wanted - set(periods))
    names = {soort: enum_name(soort) for soort in lists}
    assert len(set(names.values())) == len(names), "two code lists would get the same Python name"
    out = [
        '"""VERA Referentiedata code lists the WRV spec references (generated, do not edit).',
        "",
        "Generated by scripts/generate_referentiedata.py from VERA's Referentiedata.csv and WRV-4.3.0.yaml;",
        "each member keeps VERA's code, name, validity periods and parent. tests/schemas/test_referentiedata.py",
        "checks them against the CSV.",
        "",
        "Referenced by the spec but not in the CSV (VERA leaves them to other registers), so not generated:",
        *_wrapped(", ".join(absent)),
        "",
        "Validity dates in the CSV that are not d-m-yyyy, left open rather than guessed:",
        *(f"    {entry}" for entry in unreadable),
        '"""',
        "",
        "from datetime import date",
        "",
        "from schemas.codelist import Codelijst",
        "",
        "__all__ = [",
        *(f'    "{names[soort]}",' for soort in sorted(lists, key=names.__getitem__)),
        "]",
        "",
        f"UNREADABLE_DATES = {tuple(unreadable)!r}",
    ]
    for soort in lists:
        out += ["", "", f"class {names[soort]}(Codelijst, soort={soort!r}):"]
        for code, spans in sorted(periods[soort].items()):
            spans.sort(key=lambda span: span[1] or date.min)
            # The name is the one VERA uses now: of the period that runs longest (open-ended first), then
            # the latest begun. Not simply the latest begun: AANVULLENDEDOELGROEP.VER briefly (Oct 2023)
            # meant "Verstandelijk beperkten" and otherwise, still, "(ex)-verslaafden".
            current = max(spans, key=lambda span: (span[2] or date.max, span[1] or date.min))
            naam, parent = current[0], current[3]
            literal = ", ".join(f"({_date(begin)}, {_date(end)})" for _, begin, end, _ in spans)
            # The parent ("SOORT.CODE") is VERA's for the current period: a detail code belongs under it.
            tail = f", {parent!r}" if parent else ""
            out.append(f"    {member_name(code)} = ({code!r}, {naam!r}, ({literal},){tail})")
    print("\n".join(out))


def _wrapped(text: str, width: int = 100) -> list[str]:
    lines, line = [], "   "
    for word in text.split(" "):
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = "   "
        line += " " + word
    return [*lines, line]


def _date(value: date | None) -> str:
    return "None" if value is None else f"date({value.year}, {value.month}, {value.day})"


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
