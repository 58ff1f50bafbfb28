"""Paging of long lists, written once for the API's lists and the dashboard's tables.

A caller builds its query (what to select, whom it may see), adds the filters that were given with
`where_given`, and `fetch_page` answers one page in a stable order together with the number of rows the
whole query has. The count is the same query with `count(*)` as its only column, so it sees exactly the
rows the page is cut from (and does not read the documents it does not return).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnExpressionArgument, Row, Select, func
from sqlalchemy.orm import QueryableAttribute, Session

__all__ = ["PageRequest", "fetch_page", "fetch_row_page", "where_given"]

T = TypeVar("T")
AnySelect = Select[*tuple[Any, ...]]
S = TypeVar("S", bound=AnySelect)
Column = ColumnExpressionArgument[Any]


@dataclass(frozen=True)
class PageRequest:
    """Page `page` (1 for the first) of `page_size` rows."""

    page: int
    page_size: int

    def __post_init__(self) -> None:
        if self.page < 1 or self.page_size < 1:
            raise ValueError(f"a page starts at 1 and holds at least one row, not page {self.page} of {self.page_size}")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    def pages(self, total: int) -> int:
        """How many pages `total` rows fill (at least one: an empty list still has its first page)."""
        return max(1, -(-total // self.page_size))


def where_given(query: S, filters: Iterable[tuple[QueryableAttribute[Any], object]]) -> S:
    """`query` with `column == value` for each filter whose value was given (None: not asked for)."""
    for column, value in filters:
        if value is not None:
            query = query.where(column == value)
    return query


def _count(session: Session, query: AnySelect) -> int:
    counted = query.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)
    return session.scalar(counted) or 0


def fetch_page(session: Session, query: Select[T], request: PageRequest, *order_by: Column) -> tuple[Sequence[T], int]:
    """One page of a one-column query's values in `order_by` order (end it with a unique column), and the total."""
    page = query.order_by(*order_by).offset(request.offset).limit(request.page_size)
    return session.scalars(page).all(), _count(session, query)


def fetch_row_page(
    session: Session, query: AnySelect, request: PageRequest, *order_by: Column
) -> tuple[Sequence[Row[*tuple[Any, ...]]], int]:
    """`fetch_page` for a query of several columns: the page's rows, and the total."""
    page = query.order_by(*order_by).offset(request.offset).limit(request.page_size)
    return session.execute(page).all(), _count(session, query)
