"""Paging of lists and the raw-JSON answers of the hot paths.

The page asked for is read from `page`/`pageSize` into a `gateway.store.paging.PageRequest`, which the
repositories hand to `gateway.store.paging.fetch_page` (the one paging helper of the API and the dashboard).

A list answers `{"items": [...], "page": 1, "pageSize": 50, "total": 123}`. Stored canonical documents
are sent as the text the store holds: they were validated when written, so they are not parsed and
validated again on the way out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import Field
from starlette.responses import Response

from gateway.api.common import CamelModel
from gateway.store.paging import PageRequest

__all__ = ["PAGE_SIZE_MAX", "Page", "Paging", "dumps", "json_response", "page_response"]

PAGE_SIZE_MAX = 200
T = TypeVar("T")


class Page(CamelModel, Generic[T]):
    items: list[T]
    page: int = Field(ge=1)
    page_size: int = Field(ge=1, le=PAGE_SIZE_MAX)
    total: int = Field(ge=0)


def _page_params(
    page: Annotated[int, Query(ge=1, le=1_000_000, description="1 for the first page")] = 1,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=PAGE_SIZE_MAX)] = 50,
) -> PageRequest:
    return PageRequest(page=page, page_size=page_size)


Paging = Annotated[PageRequest, Depends(_page_params)]
"""The endpoint parameter type that receives the asked-for page (`page`, `pageSize`), as a store `PageRequest`."""


def dumps(value: Any) -> bytes:
    """Compact JSON bytes."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def json_response(body: bytes | str | Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer from ready JSON text (bytes/str) or from plain data."""
    if isinstance(body, str):
        body = body.encode()
    elif not isinstance(body, bytes):
        body = dumps(body)
    return Response(body, status_code=status_code, media_type="application/json", headers=headers)


def page_response(items: Sequence[str | bytes], params: PageRequest, total: int) -> Response:
    """A page whose items are ready JSON texts."""
    parts = b",".join(item.encode() if isinstance(item, str) else item for item in items)
    tail = dumps({"page": params.page, "pageSize": params.page_size, "total": total})
    return json_response(b'{"items":[' + parts + b"]," + tail[1:])
