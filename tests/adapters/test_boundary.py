"""The vendor-exception boundary: every public exception of httpx and zeep is mapped, each to the class
that tells the caller what to do, with the original chained."""

from __future__ import annotations

import inspect
import json

import httpx
import pydantic
import pytest
import zeep.exceptions
from lxml import etree

from adapters import MappingError, PermanentError, TransientError, translate, vendor_boundary
from adapters.sdk.boundary import TRANSLATIONS, error_for_status, parse_retry_after
from schemas import Postcode


def public_exceptions(module: object) -> list[type[BaseException]]:
    return [
        obj
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and inspect.isclass(obj)
        and issubclass(obj, BaseException)
        and obj.__module__.split(".")[0] == module.__name__.split(".")[0]  # type: ignore[attr-defined]
        and not issubclass(obj, Warning)
    ]


@pytest.mark.parametrize("module", [httpx, zeep.exceptions], ids=["httpx", "zeep"])
def test_every_public_exception_is_in_the_table(module: object) -> None:
    missing = [cls.__qualname__ for cls in public_exceptions(module) if cls not in TRANSLATIONS]
    assert not missing, f"add these to adapters/sdk/boundary.py TRANSLATIONS: {missing}"


def request() -> httpx.Request:
    return httpx.Request("POST", "http://127.0.0.1:9/x")


def status_error(status: int, headers: dict[str, str] | None = None) -> httpx.HTTPStatusError:
    response = httpx.Response(status, headers=headers, request=request())
    return httpx.HTTPStatusError("status", request=request(), response=response)


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (httpx.ConnectTimeout("t", request=request()), TransientError),
        (httpx.ReadTimeout("t", request=request()), TransientError),
        (httpx.ConnectError("refused", request=request()), TransientError),
        (httpx.ReadError("reset by peer", request=request()), TransientError),
        (httpx.RemoteProtocolError("server disconnected", request=request()), TransientError),
        (status_error(500), TransientError),
        (status_error(502), TransientError),
        (status_error(503, {"Retry-After": "7"}), TransientError),
        (status_error(429, {"Retry-After": "30"}), TransientError),
        (status_error(400), PermanentError),
        (status_error(401), PermanentError),
        (status_error(404), PermanentError),
        (status_error(409), PermanentError),
        (httpx.UnsupportedProtocol("ftp", request=request()), PermanentError),
        (httpx.TooManyRedirects("loop", request=request()), PermanentError),
        (httpx.DecodingError("gzip", request=request()), MappingError),
        (zeep.exceptions.Fault("bad input", code="soap:Client"), PermanentError),
        (zeep.exceptions.Fault("bad input", code="{http://www.w3.org/2003/05/soap-envelope}Sender"), PermanentError),
        (zeep.exceptions.Fault("db down", code="soap:Server"), TransientError),
        (zeep.exceptions.TransportError(status_code=503), TransientError),
        (zeep.exceptions.TransportError(status_code=403), PermanentError),
        (zeep.exceptions.XMLSyntaxError("bad"), MappingError),
        (zeep.exceptions.ValidationError("bad"), MappingError),
        (zeep.exceptions.DTDForbidden("n", "s", "p"), MappingError),
        (zeep.exceptions.EntitiesForbidden("n", "c"), MappingError),
        (json.JSONDecodeError("Expecting value", "{\n  x", 4), MappingError),
        (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), MappingError),
        (TimeoutError(), TransientError),
        (ConnectionResetError(), TransientError),
        (RuntimeError("a bug"), PermanentError),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else value.__name__,
)
def test_exceptions_land_in_the_right_class(exc: BaseException, expected: type[Exception]) -> None:
    error = translate(exc, "test")
    assert type(error) is expected
    assert error.__cause__ is exc
    assert error.adapter == "test"


def test_retry_after_is_kept_from_429_and_503() -> None:
    error = translate(status_error(429, {"Retry-After": "30"}))
    assert isinstance(error, TransientError)
    assert error.retry_after == 30.0
    assert error.status == 429


def test_retry_after_http_date() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == pytest.approx(10.0)
    assert parse_retry_after("garbage") is None
    assert parse_retry_after("\u00b2") is None  # a digit to str.isdigit(), not to float()
    assert parse_retry_after(None) is None


def test_success_statuses_are_no_error() -> None:
    assert error_for_status(200, None, None) is None
    assert error_for_status(204, None, None) is None


def test_lxml_syntax_error_reports_line_and_column() -> None:
    with pytest.raises(etree.XMLSyntaxError) as raised:
        etree.fromstring(b"<a>\n<b>\n</a>")
    error = translate(raised.value)
    assert isinstance(error, MappingError)
    assert error.location.line == 3


def test_validation_error_names_the_field_without_the_value() -> None:
    class Model(pydantic.BaseModel):
        postcode: Postcode

    with pytest.raises(pydantic.ValidationError) as raised:
        Model(postcode="0123 XY")
    error = translate(raised.value)
    assert isinstance(error, MappingError)
    assert error.location.field == "postcode"
    assert "0123" not in str(error)


def test_boundary_reraises_as_adapter_error_with_cause() -> None:
    with pytest.raises(TransientError) as raised, vendor_boundary("vera"):
        raise httpx.ReadTimeout("slow", request=request())
    assert isinstance(raised.value.__cause__, httpx.ReadTimeout)
    assert str(raised.value).startswith("[vera]")
