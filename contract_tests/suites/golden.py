"""Vendor golden files: real samples from the vendor system decode to the expected canonical JSON.

The fixtures folder holds pairs: `<name>.vendor.<ext>` (bytes as the vendor system sends them: .json,
.xml, .csv, ...) and `<name>.canonical.json` (one canonical message, or a list of them in order; or
`.canonical.jsonl`, one per line). The canonical file is compared in full for the payload; envelope
fields left out of it (`messageId`, `occurredAt`, `causationId`, ...) are not compared, because a vendor
sample rarely determines them. Fields a sample does not determine although the file states them (a
receive time the adapter stamps) are listed in `golden_ignore` and left out too.

A sample may hold bad records on purpose (one bad row never sinks a file): `<name>.errors.json(l)` then
lists the errors they must give, as a set (in any order), by location (`record`, `row`, `line`, `column`, `field`;
a `reason` text may be there for readers and is not compared). Without that file any error fails.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from adapters import MappingError
from contract_tests.compare import canonical_json, differences, model_paths, render_differences
from contract_tests.kit import ContractKit, ContractSetupError, GoldenCase
from contract_tests.suites.base import Cases, Provider, Suite, contract, setup_failure

__all__ = ["GoldenSuite"]


def _decoder_reason(kit: ContractKit) -> str | None:
    if not kit.decodes:
        return f"not applicable: {kit.name} decodes nothing (capabilities.decodes is empty)"
    return None


def golden_cases(kit: ContractKit) -> Cases:
    reason = _decoder_reason(kit)
    if reason:
        return [], reason
    cases = [(case.name, case) for case in kit.complete_golden()]
    return cases, "no complete golden pairs in the fixtures folder (test_golden_fixtures says what is missing)"


_LOCATION_KEYS = ("record", "row", "line", "field")


def _matches(error: MappingError, wanted: dict[str, Any]) -> bool:
    """Whether an error is at the location an errors file lists (its `reason` text is not compared)."""
    location = error.location
    for key in _LOCATION_KEYS:
        if key in wanted and getattr(location, key) != wanted[key]:
            return False
    if "column" in wanted:
        column = wanted["column"]
        actual = location.csv_column if isinstance(column, str) else location.column
        if actual != column:
            return False
    return True


def _error_problems(errors: list[MappingError], wanted: list[dict[str, Any]] | None) -> list[str]:
    """The errors decode gave against the ones the errors file lists, compared as sets (order is free).

    Each listed error must match one error decode gave, at its location; what is listed and not given is
    reported as missing, what is given and not listed as unexpected, each by itself, so one missing error
    never shifts the report of all others.
    """
    if wanted is None:
        return [f"decode() could not translate: {error}" for error in errors]
    unmatched = list(errors)
    missing: list[dict[str, Any]] = []
    for want in wanted:
        found = next((error for error in unmatched if _matches(error, want)), None)
        if found is None:
            missing.append({key: value for key, value in want.items() if key != "reason"})
        else:
            unmatched.remove(found)
    problems = [f"missing: the errors file lists an error at {listed}, decode() gave none there" for listed in missing]
    problems += [f"unexpected: decode() gave an error the errors file does not list: {error}" for error in unmatched]
    if problems:
        problems.append(f"decode() gave {len(errors)} located error(s); the errors file lists {len(wanted)}")
    return problems


class GoldenSuite(Suite):
    providers: ClassVar[dict[str, Provider]] = {"golden_case": golden_cases}

    @contract("golden.fixtures")
    def test_golden_fixtures(self) -> None:
        """The fixtures folder exists and holds complete golden pairs for a decoding adapter."""
        kit = self.kit
        reason = _decoder_reason(kit)
        if reason:
            pytest.skip(reason)
        how = (
            "Put samples from the vendor system there as <name>.vendor.<ext> with the canonical JSON each must "
            "decode to as <name>.canonical.json (`woonbrug translate ADAPTER --decode FILE` prints a first draft "
            "to review), or opt out of 'golden' with the reason."
        )
        if kit.fixtures_dir is None:
            pytest.fail(
                f'no fixtures folder given: pass contract_test_class(..., fixtures_dir="fixtures"). {how}',
                pytrace=False,
            )
        if not kit.fixtures_dir.is_dir():
            pytest.fail(f"the fixtures folder {kit.fixtures_dir} does not exist. {how}", pytrace=False)
        problems = kit.golden_problems()
        if not kit.complete_golden():
            problems.append(f"{kit.fixtures_dir} holds no complete golden pair")
        if problems:
            pytest.fail("\n".join(f"- {p}" for p in problems) + f"\n{how}", pytrace=False)

    @contract("golden.decode")
    def test_golden_decode(self, golden_case: GoldenCase) -> None:
        """Decoding the vendor sample gives exactly the expected canonical messages, in order."""
        kit = self.kit
        try:
            expected = kit.expected(golden_case)
            adapter = kit.adapter_for(golden_case)
        except ContractSetupError as error:
            setup_failure(error)
            return
        assert golden_case.vendor is not None
        assert golden_case.canonical is not None
        decoding = kit.decode(adapter, golden_case.vendor.read_bytes())
        sample = golden_case.vendor.name
        problems: list[str] = []
        if decoding.escaped is not None:
            escaped = decoding.escaped
            problems.append(f"decode() raised {type(escaped).__name__}: {escaped}")
        try:
            wanted_errors = kit.expected_errors(golden_case)
        except ContractSetupError as error:
            setup_failure(error)
            return
        problems.extend(_error_problems(decoding.errors, wanted_errors))
        if len(decoding.messages) != len(expected):
            problems.append(
                f"decode() gave {len(decoding.messages)} message(s); "
                f"{golden_case.canonical.name} expects {len(expected)}"
            )
        for index, ((raw, want), got) in enumerate(zip(expected, decoding.messages, strict=False)):
            compared: list[str] = list(raw)  # the envelope fields the file states, and the whole payload
            found = differences(
                canonical_json(want), canonical_json(got), compared, model_paths(type(want)), ignored=kit.golden_ignore
            )
            if found:
                problems.append(
                    f"message {index} ({want.type}) differs from the expected canonical JSON:\n"
                    + render_differences(found, golden=True)
                )
        if problems:
            pytest.fail(
                f"{sample} does not decode to {golden_case.canonical.name}:\n"
                + "\n".join(f"- {p}" for p in problems)
                + "\nHow to fix: correct the mapping in decode(); if the expected file is what is wrong (the vendor "
                "changed the meaning of a field), update it after review — `woonbrug translate "
                f"{kit.name} --decode {sample}` prints what the adapter makes of the sample.",
                pytrace=False,
            )
