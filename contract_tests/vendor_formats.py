"""Checking vendor payloads against the vendor's own format: XSD, JSON Schema, the VERA WRV spec, CSV columns.

Each checker takes the bytes of a payload and returns its problems as readable lines (`line 3: ...`,
`eenheden/0/adres: ...`, `row 4: 7 fields, header has 9`); an empty list means it conforms.

VERA is read as VERA means it: its `oneOf: [subtype, base]` (inheritance without a discriminator) is
read as `anyOf`, and the rules it writes in prose as "Validatie-regex: ..." become patterns. The spec is
never bundled: its path comes from the vendor (`--vera-spec`, or `vera_spec=` in the test file).

jsonschema is imported only when a JSON or VERA check runs, so the kit works without it for XML and CSV.
"""

from __future__ import annotations

import csv
import functools
import importlib
import io
import json
import math
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from adapters.sdk.xml import parse as parse_xml

__all__ = [
    "csv_problems",
    "json_schema_problems",
    "load_json_schema",
    "one_of_as_any_of",
    "vera_format_checker",
    "vera_problems",
    "with_validatie_regex",
    "xsd_problems",
]

_SOAP_NAMESPACES = ("http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope")
_VERA_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$")
_VALIDATIE_REGEX = re.compile(r"Validatie-regex: (\S+)")
_SPEC_URI = "urn:woonbrug:contract:vera"
_MAX_PROBLEMS = 25


def _missing_jsonschema() -> ImportError:
    return ImportError(
        "checking JSON payloads needs the 'jsonschema' package: pip install 'woonbrug[dev]' (or jsonschema)"
    )


def _jsonschema() -> Any:
    """jsonschema, imported when a JSON check first runs (it ships without type stubs, hence Any)."""
    try:
        return importlib.import_module("jsonschema")
    except ImportError as error:  # pragma: no cover - jsonschema is in woonbrug[dev]
        raise _missing_jsonschema() from error


# --- XML / SOAP ----------------------------------------------------------------------------------------


@functools.cache
def _xml_schema(path: str) -> Any:
    from lxml import etree

    return etree.XMLSchema(parse_xml(Path(path).read_bytes()))


def xsd_problems(xsd_path: str | Path, body: bytes) -> list[str]:
    """Problems of an XML document against an XSD; for a SOAP envelope, each element in its Body."""
    from lxml import etree

    schema = _xml_schema(str(Path(xsd_path).resolve()))
    try:
        root = parse_xml(body)
    except Exception as error:  # MappingError with the line
        return [f"not well-formed XML: {error}"]
    documents = [root]
    if etree.QName(root).namespace in _SOAP_NAMESPACES:
        bodies = [child for child in root if etree.QName(child).localname == "Body"]
        if not bodies:
            return ["SOAP envelope without a Body"]
        documents = [element for element in bodies[0] if etree.QName(element).localname != "Fault"]
        if not documents:
            return ["SOAP Body is empty"]
    problems = []
    for element in documents:
        if schema.validate(etree.ElementTree(element)):
            continue
        for entry in schema.error_log:
            problems.append(f"line {entry.line}: {without_values(entry.message)}")
    return problems[:_MAX_PROBLEMS]


# libxml2 quotes the offending value in its messages ("The value '123456782' is not accepted by ...",
# "'Jansen' is not a valid value of ..."): a sample's values may be personal data, so they are cut out and
# the element, the rule and the type are kept.
_QUOTED_VALUE = re.compile(r"(?:[Tt]he value )?'(?:[^'\\]|\\.)*'(?= is not| has a length| is (?:greater|less))")


def without_values(message: str) -> str:
    """An XSD validation message without the value it quotes (element names, rules and types stay)."""
    return _QUOTED_VALUE.sub("the value", message)


# --- SOAP against the WSDL ------------------------------------------------------------------------------

_WSDL = "http://schemas.xmlsoap.org/wsdl/"
_WSDL_SOAP = {
    "http://schemas.xmlsoap.org/wsdl/soap/": _SOAP_NAMESPACES[0],
    "http://schemas.xmlsoap.org/wsdl/soap12/": _SOAP_NAMESPACES[1],
}
_WSA = "http://www.w3.org/2005/08/addressing"


@functools.lru_cache(maxsize=8)
def _wsdl_operations(path: str) -> tuple[str, dict[str, tuple[str, str | None]], dict[str, str]]:
    """(the SOAP envelope namespace the binding uses, {input element: (operation, soapAction)}, {output
    element: operation}) of a WSDL; elements in Clark notation."""
    from lxml import etree

    root = parse_xml(Path(path).read_bytes())
    ns = {"wsdl": _WSDL}

    def clark(qualified: str, context: Any) -> str:
        prefix, _, local = qualified.rpartition(":")
        return f"{{{context.nsmap.get(prefix or None, '')}}}{local}"

    messages = {
        m.get("name"): clark(str(part.get("element")), part)
        for m in root.iterfind("wsdl:message", ns)
        for part in m.iterfind("wsdl:part", ns)
        if part.get("element")
    }
    envelope = _SOAP_NAMESPACES[0]
    actions: dict[str, str | None] = {}
    for binding in root.iterfind("wsdl:binding", ns):
        for child in binding:
            if isinstance(child.tag, str) and etree.QName(child).localname == "binding":
                envelope = _WSDL_SOAP.get(etree.QName(child).namespace or "", envelope)
        for operation in binding.iterfind("wsdl:operation", ns):
            for child in operation:
                if isinstance(child.tag, str) and etree.QName(child).localname == "operation":
                    actions[str(operation.get("name"))] = child.get("soapAction")
    inputs: dict[str, tuple[str, str | None]] = {}
    outputs: dict[str, str] = {}
    for port_type in root.iterfind("wsdl:portType", ns):
        for operation in port_type.iterfind("wsdl:operation", ns):
            name = str(operation.get("name"))
            for kind in ("input", "output"):
                element = operation.find(f"wsdl:{kind}", ns)
                if element is None or not element.get("message"):
                    continue
                message = messages.get(element.get("message", "").rpartition(":")[2])
                if message is None:
                    continue
                if kind == "input":
                    inputs[message] = (name, actions.get(name))
                else:
                    outputs[message] = name
    return envelope, inputs, outputs


def soap_problems(wsdl_path: str | Path, body: bytes, operation: str | None = None) -> list[str]:
    """Problems of a SOAP message against the WSDL: the envelope version its binding uses, a Body element
    that is an operation's input or output (`operation`'s input when given), and on a request the
    WS-Addressing headers: wsa:Action equal to the operation's soapAction, a wsa:MessageID."""
    from lxml import etree

    envelope, inputs, outputs = _wsdl_operations(str(Path(wsdl_path).resolve()))
    try:
        root = parse_xml(body)
    except Exception as error:
        return [f"not well-formed XML: {error}"]
    problems: list[str] = []
    namespace = etree.QName(root).namespace
    if etree.QName(root).localname != "Envelope" or namespace not in _SOAP_NAMESPACES:
        return ["not a SOAP envelope (the root is not soap:Envelope)"]
    if namespace != envelope:
        version = "1.2" if namespace == _SOAP_NAMESPACES[1] else "1.1"
        wanted = "1.2" if envelope == _SOAP_NAMESPACES[1] else "1.1"
        problems.append(
            f"Envelope: a SOAP {version} envelope ({namespace}); the WSDL's binding is SOAP {wanted} ({envelope})"
        )
    body_elements = [c for c in root if isinstance(c.tag, str) and etree.QName(c).localname == "Body"]
    content = [c for c in body_elements[0] if isinstance(c.tag, str)] if body_elements else []
    if not content:
        return [*problems, "Envelope: no Body element with content"]
    element = content[0].tag
    if etree.QName(element).localname == "Fault":
        return problems
    if element in inputs:
        name, action = inputs[element]
        if operation is not None and name != operation:
            problems.append(f"Body: {etree.QName(element).localname} is the input of {name}, not of {operation}")
        headers = [c for c in root if isinstance(c.tag, str) and etree.QName(c).localname == "Header"]
        found = {
            etree.QName(h).localname: (h.text or "").strip()
            for header in headers
            for h in header
            if isinstance(h.tag, str) and etree.QName(h).namespace == _WSA
        }
        if "Action" not in found:
            problems.append(f"Header: no wsa:Action; the WSDL's soapAction for {name} is {action}")
        elif action is not None and found["Action"] != action:
            problems.append(f"Header/wsa:Action: {found['Action']} is not {name}'s soapAction {action}")
        if not found.get("MessageID"):
            problems.append("Header: no wsa:MessageID (WS-Addressing needs one on every request)")
    elif element in outputs:
        if operation is not None and outputs[element] != operation:
            problems.append(
                f"Body: {etree.QName(element).localname} is the output of {outputs[element]}, not {operation}"
            )
    else:
        known = sorted(etree.QName(e).localname for e in [*inputs, *outputs])
        problems.append(
            f"Body: {etree.QName(element).localname} is no operation's element in the WSDL ({', '.join(known)})"
        )
    return problems


# --- JSON Schema ---------------------------------------------------------------------------------------


def load_json_schema(schema: Mapping[str, Any] | str | Path) -> dict[str, Any]:
    """A JSON Schema given as a mapping or as a path to a .json/.yaml file."""
    if isinstance(schema, Mapping):
        return dict(schema)
    path = Path(schema)
    text = path.read_text(encoding="utf-8")
    if path.suffix in {".yaml", ".yml"}:
        import yaml

        loaded: dict[str, Any] = yaml.safe_load(text)
        return loaded
    data: dict[str, Any] = json.loads(text)
    return data


def _error_lines(errors: Any) -> list[str]:
    lines = []
    for error in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
        where = "/".join(str(part) for part in error.absolute_path) or "(root)"
        if error.validator in {"required", "additionalProperties", "unevaluatedProperties"}:
            lines.append(f"{where}: {error.message}")  # these messages quote property names, not values
        else:
            # Other messages quote the offending value; keep only the rule, values may be personal.
            lines.append(f"{where}: fails {error.validator!r} ({_rule(error)})")
    return lines[:_MAX_PROBLEMS]


def _rule(error: Any) -> str:
    value = error.validator_value
    if error.validator in {
        "enum",
        "type",
        "format",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "multipleOf",
        "const",
        "minItems",
        "maxItems",
    }:
        text = json.dumps(value, default=str)
        return f"{error.validator}: {text[:120]}"
    return f"see the schema at {'/'.join(str(p) for p in error.absolute_schema_path)}"


def json_schema_problems(schema: Mapping[str, Any], body: bytes) -> list[str]:
    """Problems of a JSON payload against a JSON Schema (draft 2020-12 unless the schema says otherwise)."""
    jsonschema = _jsonschema()
    try:
        instance = json.loads(body)
    except ValueError as error:
        return [f"not JSON: {type(error).__name__} at {getattr(error, 'lineno', '?')}:{getattr(error, 'colno', '?')}"]
    validator_class = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    return _error_lines(validator.iter_errors(instance))


# --- VERA WRV (OpenAPI) --------------------------------------------------------------------------------


def one_of_as_any_of(node: Any) -> Any:
    """`node` (a spec or part of one) with every `oneOf` read as `anyOf`, as a new structure.

    VERA models inheritance as `oneOf: [subtype, base]` without a discriminator and without
    `additionalProperties: false`, so any object matching the subtype matches the base too and a strict
    `oneOf` rejects it. `anyOf` is what the spec means.
    """
    if isinstance(node, list):
        return [one_of_as_any_of(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        ("anyOf" if key == "oneOf" and isinstance(value, list) else key): one_of_as_any_of(value)
        for key, value in node.items()
    }


def with_validatie_regex(node: Any) -> Any:
    """`node` with each "Validatie-regex: ..." that VERA states in a description made a `pattern`, as a new
    structure; every `format: date-time` gets VERA's UTC date-time pattern, stated or not."""
    if isinstance(node, list):
        return [with_validatie_regex(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: with_validatie_regex(value) for key, value in node.items()}
    if out.get("type") == "string":
        description = out.get("description")
        match = _VALIDATIE_REGEX.search(description) if isinstance(description, str) else None
        if match:
            out["pattern"] = match.group(1)
        elif out.get("format") == "date-time":
            out["pattern"] = _VERA_DATE_TIME.pattern
    return out


def vera_format_checker() -> Any:
    """The formats VERA uses, checked as VERA means them (jsonschema alone skips `date-time`)."""
    checker = _jsonschema().FormatChecker(formats=())

    def _date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not _VERA_DATE_TIME.match(value):
            return False
        datetime.fromisoformat(value)
        return True

    def _date(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return False
        date.fromisoformat(value)
        return True

    def _int32(value: object) -> bool:
        return not isinstance(value, int) or -(2**31) <= value < 2**31

    def _float(value: object) -> bool:
        return not isinstance(value, float) or math.isfinite(value)

    checker.checks("date-time", raises=ValueError)(_date_time)
    checker.checks("date", raises=ValueError)(_date)
    checker.checks("int32")(_int32)
    checker.checks("float")(_float)
    return checker


class VeraSpec:
    """Validators for `#/components/schemas/<name>` of a VERA WRV OpenAPI file."""

    def __init__(self, path: Path) -> None:
        try:
            from referencing import Registry, Resource
            from referencing.jsonschema import DRAFT202012
        except ImportError as error:  # pragma: no cover - referencing comes with jsonschema
            raise _missing_jsonschema() from error
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        with path.open(encoding="utf-8") as handle:
            spec = yaml.load(handle, Loader=loader)  # a safe loader: the C one when available
        prepared = with_validatie_regex(one_of_as_any_of(spec))
        self.path = path
        self.names = frozenset(prepared.get("components", {}).get("schemas", {}))
        resource = Resource.from_contents(prepared, default_specification=DRAFT202012)
        self._registry: Any = Registry().with_resource(_SPEC_URI, resource)
        self._checker = vera_format_checker()
        self._validators: dict[str, Any] = {}

    def problems(self, name: str, instance: Any) -> list[str]:
        if name not in self.names:
            return [f"{self.path.name} has no schema {name!r}"]
        validator = self._validators.get(name)
        if validator is None:
            validator = _jsonschema().Draft202012Validator(
                {"$ref": f"{_SPEC_URI}#/components/schemas/{name}"},
                registry=self._registry,
                format_checker=self._checker,
            )
            self._validators[name] = validator
        return _error_lines(validator.iter_errors(instance))


@functools.cache
def vera_spec(path: str) -> VeraSpec:
    """The VERA spec at `path`, read once per process (reading 240 schemas of YAML takes a moment)."""
    return VeraSpec(Path(path))


def vera_problems(spec_path: str | Path, schema_names: Sequence[str], body: bytes) -> list[str]:
    """Problems of a VERA JSON body (an object, or a page: a list of them) against one of `schema_names`."""
    spec = vera_spec(str(Path(spec_path).resolve()))
    try:
        data = json.loads(body)
    except ValueError as error:
        return [f"not JSON: {type(error).__name__}"]
    records = data if isinstance(data, list) else [data]
    problems: list[str] = []
    for index, record in enumerate(records):
        attempts = [spec.problems(name, record) for name in schema_names]
        if any(not attempt for attempt in attempts):
            continue  # valid against one of the schemas this payload may hold
        prefix = f"[{index}] " if isinstance(data, list) else ""
        best = min(attempts, key=len)
        problems.extend(f"{prefix}{line}" for line in best)
    return problems[:_MAX_PROBLEMS]


# --- CSV -----------------------------------------------------------------------------------------------


# --- VERA code lists (Referentiedata) -------------------------------------------------------------------

# Properties whose codes come from lists outside VERA's Referentiedata (CBS municipality and area codes,
# ISO country codes): not checked here.
_EXTERNAL_CODE_LISTS = frozenset({"gemeente", "wijk", "buurt", "woonplaats", "land", "provincie"})
# A Referentiedata value is an object of these keys only; an object with an id and a code (a publicatie's
# own code) is a record, not a code from a list.
_CODE_KEYS = frozenset({"code", "naam", "omschrijving", "soort", "begindatum", "einddatum", "parent"})


@functools.lru_cache(maxsize=4)
def _referentiedata(path: str) -> dict[str, frozenset[str]]:
    """VERA's Referentiedata.csv (Soort;Code;Naam;...): the code lists (soorten) each code is in."""
    found: dict[str, set[str]] = {}
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            found.setdefault(row["Code"], set()).add(row["Soort"])
    return {code: frozenset(soorten) for code, soorten in found.items()}


def vera_code_problems(referentiedata: str | Path, body: bytes) -> list[str]:
    """Every VERA code in a body (a Referentiedata object's `code`) against VERA's code lists: a code VERA
    does not have, or one in the wrong case (VERA's codes are exact: `NIE`, never `nie`). Problems name the
    JSON pointer and the code (a code is no personal data).

    Validity dates are not judged: an ended code is right on a record from before its end, and the
    canonical model accepts it for that reason."""
    codes = _referentiedata(str(Path(referentiedata).resolve()))
    try:
        document = json.loads(body)
    except ValueError:
        return []  # the JSON checks report it
    problems: list[str] = []

    def walk(value: Any, pointer: str, key: str) -> None:
        if isinstance(value, dict):
            code = value.get("code")
            if isinstance(code, str) and key not in _EXTERNAL_CODE_LISTS and set(value) <= _CODE_KEYS:
                problems.extend(_code_problem(codes, code, f"{pointer}/code"))
            for name, item in value.items():
                walk(item, f"{pointer}/{name}", str(name))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{pointer}/{index}", key)

    walk(document, "", "")
    return problems[:_MAX_PROBLEMS]


def _code_problem(codes: Mapping[str, frozenset[str]], code: str, pointer: str) -> list[str]:
    if code in codes:
        return []
    upper = codes.get(code.upper())
    if upper is not None:
        soorten = ",".join(sorted(upper)[:3])
        return [f"{pointer}: {code!r} is not a VERA code; VERA has {code.upper()!r} ({soorten}); codes are exact"]
    return [f"{pointer}: {code!r} is in no VERA code list (Referentiedata)"]


def csv_problems(
    columns: Sequence[str] | Mapping[str, str | None],
    body: bytes,
    *,
    delimiter: str = ";",
    encoding: str = "utf-8-sig",
) -> list[str]:
    """Problems of a CSV file against a column spec: the header, the width of each row, value patterns.

    `columns` lists the header in order; as a mapping, each column may carry a regular expression every
    non-empty value must match in full (None: anything).
    """
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as error:
        return [f"not {encoding} text at byte {error.start}"]
    names = list(columns)
    patterns = {name: re.compile(p) for name, p in columns.items() if p} if isinstance(columns, Mapping) else {}
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    problems: list[str] = []
    try:
        header = next(reader, None)
        if header is None:
            return ["empty file: no header row"]
        if header != names:
            missing = [name for name in names if name not in header]
            unexpected = [name for name in header if name not in names]
            detail = []
            if missing:
                detail.append(f"missing {missing}")
            if unexpected:
                detail.append(f"unexpected {unexpected}")
            if not detail:
                detail.append(f"order differs: expected {names}")
            problems.append(f"row 1 (header): {'; '.join(detail)}")
        for row in reader:
            number = reader.line_num
            if len(row) != len(header):
                problems.append(f"row {number}: {len(row)} fields, the header has {len(header)}")
                continue
            for name, value in zip(header, row, strict=True):
                pattern = patterns.get(name)
                if pattern is not None and value and not pattern.fullmatch(value):
                    problems.append(f"row {number}, column {name!r}: does not match {pattern.pattern!r}")
            if len(problems) >= _MAX_PROBLEMS:
                break
    except csv.Error as error:
        problems.append(f"row {reader.line_num}: malformed CSV ({error})")
    return problems[:_MAX_PROBLEMS]
