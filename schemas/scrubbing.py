"""Scrub personal data out of free text by the type of the value, not by knowing the value.

Vendor fault texts, operator notes and third-party log lines are text nobody typed for us: a SOAP fault
once carried a tenant's IBAN, name, birth date and income. `scrub_personal_text` replaces what looks
like personal data with `[redacted]`, whatever the value is:

- BSNs: nine digits (also as `123.456.789` or `123 456 789`) that pass the 11-check;
- IBANs (any country, with or without spaces), e-mail addresses, Dutch and international phone numbers;
- calendar dates (`14-03-1987`, `14/3/1987`, `1987-03-14`, `14 maart 1987`): any of them may be a birth
  date. Timestamps with a time of day (`2026-03-02T09:00:00Z`) are kept: they say when, not who;
- amounts of money: with a currency (`€ 31.000,50`, `EUR 2345`), in Dutch or English notation with cents
  or thousands separators, or right after a word like inkomen/huur/salaris;
- names: initials with a surname (`J. de Vries`), a title or salutation with what follows
  (`dhr. Jansen`, `mevrouw De Boer`), and the value of a `naam: ...`-like field.

It errs on the side of hiding: a false positive costs a log reader a detail, a false negative leaks a
person. Pure text in, text out; used by the adapters' error boundary and by the gateway's log filter.
"""

from __future__ import annotations

import re
from typing import Final

from schemas.types import passes_11_check

__all__ = ["REDACTED", "scrub_personal_text"]

REDACTED: Final = "[redacted]"

_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    "jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec|"
    "january|february|march|may|june|july|august|october"
)
_PARTICLES = r"(?:(?i:van|de|der|den|het|ter|ten|te|in|op|'t|la|le|du|da|el)\s+)*"
_SURNAME = r"[A-ZÀ-Þ][\w'’-]+"
_KEYED = (
    r"(?:voor|achter|geboorte|partner|klant|huurder|bewoner|contact)?naam|name|voornaam|achternaam|"
    r"tussenvoegsels?|geboortedatum|geb\.?|birth_?date|dob|bsn|iban|rekening(?:nummer)?|inkomen|income|"
    r"telefoon(?:nummer)?|phone|tel\.?|e-?mail|adres|address|straat(?:naam)?|huurder|bewoner"
)

_PATTERNS: Final[tuple[re.Pattern[str], ...]] = (
    # e-mail first: its digits must not be half-taken by the phone or BSN patterns.
    re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    # IBAN: country, check digits, 11..30 more characters, optionally grouped by four.
    re.compile(r"\b[A-Z]{2}[0-9]{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b", re.IGNORECASE),
    # Dates without a time of day.
    re.compile(r"(?<![\d-])(?:19|20)\d{2}-[01]?\d-[0-3]?\d(?![\d:T])"),
    re.compile(r"(?<![\d/.-])[0-3]?\d[-/.][01]?\d[-/.](?:19|20)?\d{2}(?![\d/.-])"),
    re.compile(rf"\b[0-3]?\d\s+(?:{_MONTHS})\.?\s+(?:19|20)\d{{2}}\b", re.IGNORECASE),
    # Money: with a currency sign or code, then the number.
    re.compile(r"(?:€|\bEUR\b|\bEuro\b)\s?-?\d[\d.,]*(?:,-)?", re.IGNORECASE),
    re.compile(r"-?\d[\d.,]*\s?(?:€|\bEUR\b|\beuro\b)", re.IGNORECASE),
    # Money: a number after a word that says it is money.
    re.compile(
        r"(\b(?:inkomen|income|huur|rent|salaris|salary|loon|bedrag|amount|toeslag|vermogen)"
        r"\s*(?:van|of|is|=|:)?\s*)-?\d[\d.,]*",
        re.IGNORECASE,
    ),
    # Money: thousands separators or cents (1.234,56 / 1,234.56 / 31000,50 / 675.25).
    re.compile(r"(?<![\w.,])\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{2})?(?![\w.,]*\d)"),
    re.compile(r"(?<![\w.,])\d{2,},\d{2}(?![\w.,]*\d)"),
    re.compile(r"(?<![\w.,])\d{3,}\.\d{2}(?![\w.,]*\d)"),
    # Phone numbers: international (+31 6 1234 5678, 0031...) and Dutch national (06-12345678, 024 360 1234).
    re.compile(r"(?<![\w+])(?:\+|00)[1-9]\d{0,2}[\s-]?(?:\(0\)\s?)?\d(?:[\s-]?\d){6,11}(?!\d)"),
    re.compile(r"(?<![\w])0[1-9](?:[\s-]?\d){8}(?!\d)"),
    # Names: initials and a surname; a title or salutation and what follows; keyed fields.
    re.compile(rf"\b(?:[A-Z]\.\s?){{1,4}}{_PARTICLES}{_SURNAME}(?:-{_SURNAME})?"),
    re.compile(
        rf"\b(?i:dhr|mevr|mw|hr|mr|mrs|ms|dr|ir|drs|ing|de\s+heer|heer|mevrouw|meneer|huurder|bewoner)\.?\s+"
        rf"(?:[A-Z]\.\s?)*{_PARTICLES}{_SURNAME}"
    ),
    re.compile(rf"(\b(?:{_KEYED})\s*[:=]\s*)(?:\"[^\"]*\"|'[^']*'|[^,;|\n)\]}}]+)", re.IGNORECASE),
)

_NINE_DIGITS = re.compile(r"(?<![\d.])(\d{3}[ .]?\d{3}[ .]?\d{3})(?![\d])")


def _bsn(match: re.Match[str]) -> str:
    digits = re.sub(r"[ .]", "", match.group(1))
    return REDACTED if passes_11_check(digits) else match.group(0)


def _keep_label(match: re.Match[str]) -> str:
    # A pattern with a group keeps it (`inkomen `, `naam: `), so the reader still sees what was hidden.
    return match.group(1) + REDACTED


def scrub_personal_text(text: str) -> str:
    """`text` with every value that looks like personal data replaced by `[redacted]` (see module doc)."""
    if not text:
        return text
    text = _NINE_DIGITS.sub(_bsn, text)
    for pattern in _PATTERNS:
        text = pattern.sub(_keep_label if pattern.groups else REDACTED, text)
    return text
