"""Hardened XML: XXE and billion-laughs payloads are refused, malformed XML is located, nothing leaks."""

from __future__ import annotations

import time

import pytest

from adapters import MappingError
from adapters.sdk.xml import parse

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<foo>&xxe;</foo>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<lolz>&lol9;</lolz>"""


def test_xxe_is_refused_and_the_file_never_appears() -> None:
    with pytest.raises(MappingError, match="DOCTYPE") as raised:
        parse(XXE)
    assert "root:" not in str(raised.value)


def test_billion_laughs_is_refused_quickly() -> None:
    started = time.monotonic()
    with pytest.raises(MappingError, match="DOCTYPE"):
        parse(BILLION_LAUGHS)
    assert time.monotonic() - started < 1.0


def test_malformed_xml_reports_line_and_column() -> None:
    with pytest.raises(MappingError) as raised:
        parse(b"<a>\n  <b>text\n</a>")
    assert raised.value.location.line == 3
    assert "line 3" in str(raised.value)


def test_well_formed_xml_parses() -> None:
    assert parse(b"<a><b>1</b></a>").findtext("b") == "1"
