#!/usr/bin/env python3
"""Check a Woonbrug lottery yourself: recompute every lot number from what was published.

Standard library only, on purpose: read it, then run it. It trusts nothing the gateway computed.

    python docs/verify_lottery.py loting.json [more.json ...]

Each file is one listing's draw record, as `GET /api/v1/publicaties/{id}/loting` answers it (or a JSON
list of them, as `woonbrug verify-lottery --export` writes). Exit status 0: every draw checks out; 1: a
problem was found (each one printed); 2: a file could not be read.

How a draw works (and so what is checked):
1. When the listing is published, the gateway draws a secret `lotingzaad` (32 random bytes, 64 hex
   characters) and publishes only its SHA-256, the `commitment`. Nobody who responds knows the secret.
2. When the response window closes, the responses still standing are fixed: their Kandidaat ids, sorted
   and joined by a line feed, hashed with SHA-256, give `reactiesDigest`.
3. Each candidate's lot number is HMAC-SHA256 with the secret's bytes as key over the text
   `reactiesDigest + ":" + kandidaat id`, in hex. Lower lot numbers go first.
4. After the draw the secret is revealed. So: a redrawn secret breaks the commitment; a changed response
   list changes every lot number; a changed lot number or order no longer matches the recomputation.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import sys

HEX64 = re.compile(r"^[0-9a-f]{64}$")


def digest_of(reacties):
    """SHA-256 over the sorted, line-feed-joined Kandidaat ids of the responses standing at closing."""
    return hashlib.sha256("\n".join(sorted(set(reacties))).encode("utf-8")).hexdigest()


def lot_number(secret, digest, kandidaat_id):
    """HMAC-SHA256(key = secret bytes, message = digest + ":" + kandidaat id), in hex."""
    return hmac.new(bytes.fromhex(secret), f"{digest}:{kandidaat_id}".encode(), hashlib.sha256).hexdigest()


def check(draw):
    """The problems in one draw record; an empty list means it checks out."""
    secret, commitment = draw.get("lotingzaad"), draw.get("commitment")
    if not isinstance(secret, str) or not HEX64.match(secret):
        return ["no lotingzaad revealed: the draw has not taken place or the record is incomplete"]
    problems = []
    if hashlib.sha256(bytes.fromhex(secret)).hexdigest() != commitment:
        problems.append("the lotingzaad does not match the commitment published with the listing")
    reacties = [str(r) for r in draw.get("reacties", [])]
    digest = digest_of(reacties)
    if draw.get("reactiesDigest") != digest:
        problems.append("the response list does not match its published digest")
    previous = None
    for kandidaat in draw.get("kandidaten", []):
        kandidaat_id, positie = str(kandidaat.get("id")), kandidaat.get("positie")
        criteria = kandidaat.get("rangschikking", [])
        names = [c.get("criterium") for c in criteria]
        if kandidaat_id not in reacties:
            problems.append(f"positie {positie}: kandidaat {kandidaat_id} is not in the response list")
        if "lotnummer" not in names:
            problems.append(f"positie {positie}: no lot number recorded")
            previous = None
            continue
        expected = lot_number(secret, digest, kandidaat_id)
        at = names.index("lotnummer")
        if criteria[at].get("waarde") != expected:
            problems.append(f"positie {positie}: recorded lot number differs from the recomputed one")
        # Candidates equal on every criterium before the lot must follow their lot numbers.
        before = [(c.get("criterium"), c.get("waarde")) for c in criteria[:at]]
        if previous is not None and previous[0] == before and previous[1] > expected:
            problems.append(f"positie {positie}: placed after a higher lot number with equal criteria before it")
        previous = (before, expected)
    return problems


def main(paths):
    if not paths:
        print("usage: verify_lottery.py DRAW.json [DRAW.json ...]", file=sys.stderr)
        return 2
    failed = False
    for path in paths:
        try:
            with open(path, encoding="utf-8") as handle:
                loaded = json.load(handle)
        except (OSError, ValueError) as error:
            print(f"{path}: cannot read a draw record: {error}", file=sys.stderr)
            return 2
        for draw in loaded if isinstance(loaded, list) else [loaded]:
            name = f"{path}: publicatie {draw.get('publicatie')}"
            problems = check(draw)
            failed = failed or bool(problems)
            if problems:
                for problem in problems:
                    print(f"{name}: {problem}")
            else:
                print(f"{name}: ok ({len(draw.get('kandidaten', []))} lot numbers recomputed)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
