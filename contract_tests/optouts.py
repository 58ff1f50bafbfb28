"""The named opt-outs of the contract kit: what each one switches off, and the checks on a vendor's list.

A vendor opts out of a whole suite (`"idempotency"`) or one test (`"errors.transport"`), always with a
reason: `opt_outs={"idempotency": "the ERP dedups on its own order number; simulator pending"}`. The
reason shows in the test report as the skip reason and in the kit's summary line, so whoever reads the
CI log sees what was not checked and why. Unknown names are an error, not a silent no-op: a typo must
never switch a check off (or fail to).

The declaration suite cannot be opted out of: it is what `woonbrug adapters list` and discovery check too.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

__all__ = ["NOT_OPTIONAL", "OPT_OUTS", "SUITES", "OptOutError", "check_opt_outs", "opt_out_reason"]

SUITES: dict[str, str] = {
    "declaration": "name, version, capabilities, config schema and the canonical model major the adapter states",
    "roundtrip": "canonical -> vendor -> canonical keeps every field the adapter says it carries",
    "conformance": "encoded payloads and vendor samples conform to the vendor format (XSD, JSON Schema, VERA, CSV)",
    "golden": "vendor samples in the fixtures folder decode to the expected canonical JSON",
    "errors": "faults and bad data come out as TransientError, PermanentError or located MappingError only",
    "idempotency": "the same message delivered twice has one effect at the vendor's simulator",
    "outbound": "what encode() and deliver() write matches golden samples field by field; polling reads every page",
    "privacy": "no personal data in exception texts or in log records at INFO and above",
}

OPT_OUTS: dict[str, str] = {
    "roundtrip": SUITES["roundtrip"],
    "roundtrip.generated": "round trip of generated messages of every type the adapter both encodes and decodes",
    "roundtrip.golden": "round trip of the canonical golden files",
    "conformance": SUITES["conformance"],
    "conformance.encoded": "what encode() produces conforms to the vendor format",
    "conformance.vendor_samples": "the *.vendor.* samples in the fixtures folder conform to the vendor format",
    "golden": SUITES["golden"],
    "golden.fixtures": "the fixtures folder holds complete golden pairs (<name>.vendor.* with <name>.canonical.json)",
    "golden.decode": "each vendor sample decodes to its expected canonical JSON",
    "errors": SUITES["errors"],
    "errors.transport": "timeouts, resets, 5xx, 429 and 4xx injected into the HTTP client map to the right error class",
    "errors.malformed": "malformed vendor payloads yield located MappingErrors, never another exception",
    "errors.undeclared": "encoding a message type outside capabilities.encodes is refused as UnsupportedOperation",
    "idempotency": SUITES["idempotency"],
    "idempotency.redelivery": "delivering the same message twice (same idempotency key) has one effect",
    "outbound": SUITES["outbound"],
    "outbound.fixtures": "every message type the adapter encodes has an outbound golden pair",
    "outbound.golden_encode": "encode() of each outbound golden canonical file writes its vendor file, field by field",
    "outbound.wire": "what deliver() sends carries what encode() writes, and the idempotency key on every attempt",
    "outbound.paging": "polling a simulator that serves several pages brings every record exactly once",
    "privacy": SUITES["privacy"],
    "privacy.encode": "encoding messages with personal data logs none of it at INFO and above",
    "privacy.decode": "errors from bad vendor data carrying personal data do not repeat it",
    "privacy.transport": "errors from refused or failed deliveries do not repeat the personal data sent",
}
"""Every name a vendor may opt out of, with what it switches off (the adapter authors' guide lists them)."""

NOT_OPTIONAL = frozenset({"declaration"})


class OptOutError(ValueError):
    """A vendor's opt-out list is wrong: unknown name, missing reason, or a suite that cannot be skipped."""


def check_opt_outs(opt_outs: Mapping[str, str] | None) -> dict[str, str]:
    """The vendor's opt-outs, checked: every name known, every reason a real sentence."""
    checked: dict[str, str] = {}
    for name, reason in (opt_outs or {}).items():
        if name in NOT_OPTIONAL or name.startswith("declaration."):
            raise OptOutError(
                f"opt-out {name!r} is not allowed: the declaration suite is what discovery checks too; "
                "fix the declaration instead"
            )
        if name not in OPT_OUTS:
            close = difflib.get_close_matches(name, OPT_OUTS, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise OptOutError(f"unknown opt-out {name!r}.{hint} Known opt-outs: {', '.join(sorted(OPT_OUTS))}")
        if not isinstance(reason, str) or len(reason.strip()) < 3:
            raise OptOutError(
                f"opt-out {name!r} needs a reason (a short sentence saying why this check does not apply)"
            )
        checked[name] = reason.strip()
    return checked


def opt_out_reason(opt_outs: Mapping[str, str], test: str) -> str | None:
    """The skip reason for test `suite.name` when the vendor opted out of it or of its whole suite."""
    suite = test.split(".", 1)[0]
    for name in (test, suite):
        if name in opt_outs:
            return f"opted out of {name!r}: {opt_outs[name]}"
    return None
