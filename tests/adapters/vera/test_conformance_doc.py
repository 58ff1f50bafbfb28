"""docs/vera-conformance.md is generated from the model (scripts/generate_vera_conformance.py): this test
fails when the committed page differs from what the code says, so it cannot drift."""

from __future__ import annotations

import runpy

from tests.conftest import REPO

PAGE = REPO / "docs" / "vera-conformance.md"
SCRIPT = REPO / "scripts" / "generate_vera_conformance.py"


def test_the_committed_conformance_page_is_what_the_model_says() -> None:
    generated = runpy.run_path(str(SCRIPT))["conformance_markdown"]()
    fix = "python scripts/generate_vera_conformance.py > docs/vera-conformance.md"
    assert PAGE.read_text(encoding="utf-8") == generated, f"docs/vera-conformance.md is stale: run `{fix}`"


def test_the_page_says_what_an_eenheid_needs_derives_and_keeps() -> None:
    page = PAGE.read_text(encoding="utf-8")
    unit = page[page.index("## `eenheid.vrijgekomen`") :].split("\n## ", 1)[0]
    needs = unit[unit.index("**Needs**") : unit.index("**Reads when present**")]
    assert needs.count("\n- ") == 1  # a unit is known before it can be published: only its id is needed
    assert "`/id`" in needs
    assert "`/idOrganisatie` as the sending corporation" in unit
    assert "`/rekenhuur`" in unit[unit.index("**Publication needs**") :]
    assert "veraOverig" in unit
