"""Spreadsheet formula injection (CSV injection), neutralised for every CSV Woonbrug writes.

A cell a spreadsheet reads as a formula can run commands (`=cmd|' /C calc'!A0`) or leak data to the web
(`=HYPERLINK(...)`). As OWASP advises, such a cell gets a leading apostrophe, so the spreadsheet shows
it as text and never evaluates it. A cell counts as a would-be formula when:

- it starts with a tab, carriage return or line feed; or
- after leading whitespace, quotes and separators (` `, NBSP, `"`, `;`, `,`), and with fullwidth and
  other compatibility forms folded (NFKC: `＝` is `=`), its first character is `=`, `+`, `-`, `@` or `|`
  (DDE).

A plain number (`-12,50`, `-1.234,56`, `+31`) is not a formula whatever its sign, and is left exactly as
it is, so amounts written as text stay numbers in the spreadsheet. Used by the CSV adapter's writer and
by the gateway's CSV reports and exports; the one place this decision is made.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = ["FORMULA_TRIGGERS", "neutralise"]

FORMULA_TRIGGERS: Final = ("=", "+", "-", "@", "|", "\t", "\r", "\n")
"""Characters that make a spreadsheet read a cell as a formula when they come first (after the skipped)."""

_SKIPPED: Final = ' \u00a0\u2007\u202f\u3000";,'
_PLAIN_NUMBER: Final = re.compile(r"[+-]?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?|[+-]?[0-9]+(?:\.[0-9]+)?")
# The first characters decide; folding a long cell whole would cost for nothing.
_HEAD: Final = 64


def neutralise(text: str) -> str:
    """A text cell as a spreadsheet must show it: a would-be formula gets a leading apostrophe."""
    if not text:
        return text
    if text[0] in "\t\r\n":
        return "'" + text
    head = unicodedata.normalize("NFKC", text[:_HEAD]) if not text[:_HEAD].isascii() else text[:_HEAD]
    stripped = head.lstrip(_SKIPPED).lstrip()
    if not stripped or stripped[0] not in "=+-@|\t\r\n":
        return text
    if len(text) <= _HEAD and _PLAIN_NUMBER.fullmatch(stripped.strip()) is not None:
        return text
    return "'" + text
