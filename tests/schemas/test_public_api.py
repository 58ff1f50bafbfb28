"""The canonical model's public surface and its dependency rule (schemas/ depends on pydantic only)."""

from __future__ import annotations

import ast
import inspect
import json
import subprocess
import sys
from pathlib import Path

import schemas
from schemas import referentiedata

SCHEMAS_DIR = Path(schemas.__file__).parent

# The public names of `schemas`, written out: a change here is a change of the model's API, on purpose.
# Every VERA code list the WRV spec references is public too (`schemas.referentiedata`, generated and
# checked against VERA's CSV by test_referentiedata), so those join the written-out names below.
_WRITTEN_OUT = [
    "Aanbieding",
    "AanbiedingDetailStatus",
    "AanbiedingGeaccepteerd",
    "AanbiedingGedaan",
    "AanbiedingGeweigerd",
    "AanbiedingStatus",
    "AanbiedingVerlopen",
    "AanvullendeDoelgroep",
    "AnyMessage",
    "BSN",
    "Bedrag",
    "BedragMetTeken",
    "CanonicalModel",
    "Contactgegeven",
    "ContactgegevenSoort",
    "Datum",
    "Doelgroep",
    "Eenheid",
    "EenheidCriteriumDetailSoort",
    "EenheidCriteriumSoort",
    "EenheidCriteriumToepassing",
    "EenheidDetailSoort",
    "EenheidSoort",
    "EenheidVoorwaarden",
    "EenheidVrijgekomen",
    "Eenheidadres",
    "Eenheidcriterium",
    "Energielabel",
    "Energieprestatie",
    "Geboortedatum",
    "Gemeente",
    "Geslacht",
    "INCLUDE_BSN",
    "Inkomen",
    "InkomensBron",
    "InkomensSoort",
    "Inschrijving",
    "InschrijvingBeeindigd",
    "InschrijvingGeregistreerd",
    "InschrijvingGewijzigd",
    "Kandidaat",
    "KandidaatDetailStatus",
    "KandidaatStatus",
    "Kandidatenlijst",
    "KandidatenlijstVrijgegeven",
    "MESSAGE_TYPES",
    "MODEL_MAJOR",
    "MaatschappelijkLabel",
    "Message",
    "MessageSource",
    "NatuurlijkPersoon",
    "Oppervlakte",
    "Overeenkomst",
    "OvereenkomstGetekend",
    "OvereenkomstSoort",
    "OvereenkomstStatus",
    "PassendheidDetailSoort",
    "PassendheidSoort",
    "PersonalData",
    "Postcode",
    "Prijscomponent",
    "PrijscomponentSoort",
    "Publicatie",
    "PublicatieAangeboden",
    "PublicatieAfgerond",
    "PublicatieDetailModel",
    "PublicatieDetailStatus",
    "PublicatieIngetrokken",
    "PublicatieModel",
    "PublicatieStatus",
    "Rangschikkingscriterium",
    "ReactieIngetrokken",
    "ReactieOntvangen",
    "Reclamatie",
    "ReclamatieIngediend",
    "ReclamatieSoort",
    "ReclamatieStatus",
    "SCHEMA_VERSION",
    "Sanctie",
    "SanctieOpgelegd",
    "SanctieSoort",
    "SanctieStatus",
    "Sleutel",
    "Tijdstip",
    "Toewijzing",
    "ToewijzingGedaan",
    "VeraOverig",
    "VoorrangDetailSoort",
    "VoorrangSoort",
    "Voorrangsregeling",
    "VoorrangsregelingStatus",
    "Vrijkomen",
    "Woonplaats",
    "Woonsituatie",
    "WoonsituatieSoort",
    "parse_message",
]
PUBLIC_NAMES = sorted({*_WRITTEN_OUT, *referentiedata.__all__})

ALLOWED_IMPORTS = {"pydantic", "pydantic_core", "schemas", "__future__"} | set(sys.stdlib_module_names)
# Packages schemas/ must not pull in, not even indirectly (the dependency direction is one way).
FORBIDDEN_AT_IMPORT = {
    "adapters",
    "gateway",
    "contract_tests",
    "httpx",
    "sqlalchemy",
    "fastapi",
    "yaml",
    "lxml",
    "zeep",
    "hypothesis",
    "jsonschema",
}


def test_all_lists_exactly_the_public_names() -> None:
    assert sorted(schemas.__all__) == PUBLIC_NAMES
    assert len(schemas.__all__) == len(set(schemas.__all__)), "no name listed twice"


def test_every_public_name_exists_and_star_import_gives_exactly_them() -> None:
    namespace: dict[str, object] = {}
    exec("from schemas import *", namespace)
    assert sorted(name for name in namespace if name != "__builtins__") == PUBLIC_NAMES


def test_public_classes_and_functions_are_the_models_own() -> None:
    """Nothing re-exported from pydantic or elsewhere by accident."""
    for name in PUBLIC_NAMES:
        value = getattr(schemas, name)
        if isinstance(value, type) or inspect.isfunction(value):
            assert value.__module__.startswith("schemas."), f"{name} comes from {value.__module__}"


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, top-level module) for every absolute import in a file."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


def test_schemas_imports_only_pydantic_stdlib_and_itself() -> None:
    files = sorted(SCHEMAS_DIR.rglob("*.py"))
    assert len(files) >= 15
    wrong = [
        f"{path.relative_to(SCHEMAS_DIR.parent)}:{line} imports {module}"
        for path in files
        for line, module in _imports(path)
        if module not in ALLOWED_IMPORTS
    ]
    assert not wrong, "schemas/ depends on pydantic only:\n" + "\n".join(wrong)


def test_the_import_scan_sees_imports() -> None:
    """Guards the scan: it does find imports, also inside functions."""
    imports = {module for _, module in _imports(SCHEMAS_DIR / "messages.py")}
    assert {"pydantic", "schemas", "uuid"} <= imports
    source = SCHEMAS_DIR / "jsonschema.py"
    assert "json" in {module for _, module in _imports(source)}


def test_importing_schemas_pulls_in_nothing_else() -> None:
    """In a fresh interpreter: the modules loaded by `import schemas` (transitively)."""
    code = "import json, sys, schemas; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=SCHEMAS_DIR.parent
    ).stdout
    loaded = set(json.loads(output))
    assert "schemas" in loaded
    assert loaded & FORBIDDEN_AT_IMPORT == set()
