"""The lottery nobody can steer: committed at publication, drawn on what is fixed only at closing, revealed
after the draw, and recomputable by anyone. Pure and standard library only.

1. Publication. A secret `lotingzaad` (32 random bytes, written as 64 lower-case hex characters) is drawn
   for every listing; its SHA-256 (`lotingzaad_commitment`) is published with the listing (the canonical
   Publicatie and its outgoing message, the API's answer, the `publicatie.gepubliceerd` audit entry).
   The secret stays in the store until the draw.
2. Closing. The responses still standing when the window closes are fixed by the seekers, not by whoever
   runs the gateway: their Kandidaat ids, sorted (by code point) and joined by a line feed, hashed with
   SHA-256, give `reacties_digest`.
3. The draw. For each response:

       lotnummer = HMAC-SHA256(key = bytes.fromhex(lotingzaad),
                               message = (reacties_digest + ":" + kandidaat_id) as UTF-8), in hex

   The lower lot number goes first (compared as text: for equal-length hex that is numeric order). A
   lottery listing (publicatiemodel LOT) is ranked by it; other listings break ties with it.
4. Reveal. After the draw the secret goes on the Kandidatenlijst (`lotingzaad`) and, with the response
   list and its digest, into the `loting.getrokken` audit entry and the API (`/publicaties/{id}/loting`).

Whoever runs the gateway knows the secret before closing but not which responses will stand at closing;
seekers who respond do not know the secret. Drawing another secret breaks the commitment; changing the
response list changes every lot number and is visible (the list is published, each response is in the
audit log). `docs/verify_lottery.py` is an independent copy of `verify_trekking` for outsiders.

The published record of one draw (`trekking`), as JSON:

    {"publicatie": "pub-...", "commitment": "<hex>", "lotingzaad": "<hex>", "reactiesDigest": "<hex>",
     "reacties": ["kan-...", ...],
     "kandidaten": [{"id": "kan-...", "positie": 1,
                     "rangschikking": [{"criterium": "voorrang", "waarde": "URG: nee"}, ...,
                                       {"criterium": "lotnummer", "waarde": "<hex>"}]}, ...]}
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "LOT_CRITERIUM",
    "lotingzaad_commitment",
    "lotnummer",
    "new_lotingzaad",
    "reacties_digest",
    "seeded_lotingzaad_source",
    "trekking",
    "verify_trekking",
]

LOT_CRITERIUM = "lotnummer"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def new_lotingzaad() -> str:
    """Draw a fresh secret: 32 random bytes from the operating system, as 64 hex characters."""
    return secrets.token_hex(32)


def seeded_lotingzaad_source(seed: int) -> Callable[[], str]:
    """Secrets from a seeded generator, for the demo and the simulators only: the same seed gives the same
    secrets, so a demo run can be repeated exactly. Never for a real region (anyone knowing the seed knows
    every secret)."""
    state = hashlib.sha256(f"woonbrug-demo-lotingzaad:{seed}".encode()).digest()

    def next_secret() -> str:
        nonlocal state
        state = hashlib.sha256(state).digest()
        return state.hex()

    return next_secret


def _seed_bytes(lotingzaad: str) -> bytes:
    if not _HEX64.match(lotingzaad):
        raise ValueError("a lotingzaad is 64 lower-case hexadecimal characters (32 bytes)")
    return bytes.fromhex(lotingzaad)


def lotingzaad_commitment(lotingzaad: str) -> str:
    """SHA-256 of the secret's bytes, in hex: published with the listing before anyone can respond."""
    return hashlib.sha256(_seed_bytes(lotingzaad)).hexdigest()


def reacties_digest(kandidaat_ids: Iterable[str]) -> str:
    """SHA-256 over the closed list of responses: Kandidaat ids, sorted, joined by a line feed, UTF-8."""
    ids = sorted(set(kandidaat_ids))
    return hashlib.sha256("\n".join(ids).encode("utf-8")).hexdigest()


def lotnummer(lotingzaad: str, digest: str, kandidaat_id: str) -> str:
    """HMAC-SHA256 keyed with the secret over `digest:kandidaat_id` (UTF-8), in hex."""
    message = f"{digest}:{kandidaat_id}".encode()
    return hmac.new(_seed_bytes(lotingzaad), message, hashlib.sha256).hexdigest()


def trekking(
    publicatie_id: str,
    *,
    commitment: str,
    lotingzaad: str | None,
    reacties: Iterable[str],
    kandidaten: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """The published record of one draw (module docstring). `kandidaten`: the ranked Kandidaten as JSON
    (id, positie, rangschikking); only each criterium's name and value are kept. Before the draw
    (`lotingzaad` None) it holds the commitment only."""
    ids = sorted(set(reacties))
    return {
        "publicatie": publicatie_id,
        "commitment": commitment,
        "lotingzaad": lotingzaad,
        "reactiesDigest": reacties_digest(ids) if lotingzaad is not None else None,
        "reacties": ids if lotingzaad is not None else [],
        "kandidaten": [
            {
                "id": k["id"],
                "positie": k["positie"],
                "rangschikking": [
                    {"criterium": c["criterium"], "waarde": c.get("waarde")} for c in k.get("rangschikking", [])
                ],
            }
            for k in kandidaten
        ]
        if lotingzaad is not None
        else [],
    }


def verify_trekking(document: Mapping[str, Any]) -> list[str]:
    """Recompute one draw from its published record. Returns the problems found; an empty list is a pass.

    Checks: the secret matches the commitment; the digest matches the response list; every ranked
    candidate is in the response list; every recorded lot number is the recomputed one; and wherever two
    neighbours agree on every criterium before the lot number, the lower lot number goes first.
    """
    lotingzaad, commitment = document.get("lotingzaad"), document.get("commitment")
    if not isinstance(lotingzaad, str) or not _HEX64.match(lotingzaad):
        return ["no lotingzaad revealed: the draw has not taken place or the record is incomplete"]
    problems: list[str] = []
    if not isinstance(commitment, str) or not hmac.compare_digest(lotingzaad_commitment(lotingzaad), commitment):
        problems.append("the lotingzaad does not match the commitment published with the listing")
    reacties = [str(r) for r in document.get("reacties", [])]
    digest = reacties_digest(reacties)
    if document.get("reactiesDigest") != digest:
        problems.append("the response list does not match its published digest")
    standing = set(reacties)
    previous: tuple[list[Any], str] | None = None
    for kandidaat in document.get("kandidaten", []):
        kandidaat_id, positie = str(kandidaat.get("id")), kandidaat.get("positie")
        criteria = list(kandidaat.get("rangschikking", []))
        names = [c.get("criterium") for c in criteria]
        if kandidaat_id not in standing:
            problems.append(f"positie {positie}: kandidaat {kandidaat_id} is not in the response list")
        expected = lotnummer(lotingzaad, digest, kandidaat_id)
        if LOT_CRITERIUM not in names:
            problems.append(f"positie {positie}: no lot number recorded")
            previous = None
            continue
        index = names.index(LOT_CRITERIUM)
        if criteria[index].get("waarde") != expected:
            problems.append(f"positie {positie}: recorded lot number differs from the recomputed one")
        before = [(c.get("criterium"), c.get("waarde")) for c in criteria[:index]]
        if previous is not None and previous[0] == before and previous[1] > expected:
            problems.append(f"positie {positie}: placed after a higher lot number with equal criteria before it")
        previous = (before, expected)
    return problems
