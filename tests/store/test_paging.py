"""`gateway.store.paging`, the one paging helper of the API's lists and the dashboard's tables, on real
SQLite and PostgreSQL: pages cut in a stable order, the total counted over exactly the filtered rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from gateway.store.paging import PageRequest, fetch_page, fetch_row_page, where_given
from gateway.tenants.records import TenantRecord
from tests.store.databases import TestDatabase

START = datetime(2026, 1, 1, tzinfo=UTC)


def _tenants(database: TestDatabase) -> None:
    # 7 corporations and 3 municipalities; two corporations share a moment, so the id must break the tie.
    with database.transaction() as session:
        for index in range(7):
            moment = START + timedelta(days=min(index, 5))
            session.add(TenantRecord(id=f"corp-{index}", role="corporation", created_at=moment))
        for index in range(3):
            session.add(TenantRecord(id=f"gm-{index}", role="municipality", created_at=START))


def test_pages_follow_the_order_and_the_total_counts_only_the_filtered_rows(database: TestDatabase) -> None:
    _tenants(database)
    query = where_given(select(TenantRecord.id), [(TenantRecord.role, "corporation")])
    order = (TenantRecord.created_at.desc(), TenantRecord.id)
    with database.read_session() as session:
        pages = [fetch_page(session, query, PageRequest(number, 3), *order) for number in (1, 2, 3, 4)]
    assert [list(ids) for ids, _ in pages] == [
        ["corp-5", "corp-6", "corp-4"],
        ["corp-3", "corp-2", "corp-1"],
        ["corp-0"],
        [],
    ]
    assert {total for _, total in pages} == {7}


def test_a_filter_not_given_filters_nothing(database: TestDatabase) -> None:
    _tenants(database)
    query = where_given(select(TenantRecord.id, TenantRecord.role), [(TenantRecord.role, None)])
    with database.read_session() as session:
        rows, total = fetch_row_page(session, query, PageRequest(1, 4), TenantRecord.id)
    assert total == 10
    assert [tuple(row) for row in rows] == [
        ("corp-0", "corporation"),
        ("corp-1", "corporation"),
        ("corp-2", "corporation"),
        ("corp-3", "corporation"),
    ]


def test_a_page_request_knows_its_offset_and_how_many_pages_a_total_fills() -> None:
    assert PageRequest(3, 50).offset == 100
    assert [PageRequest(1, 50).pages(total) for total in (0, 1, 50, 51, 100)] == [1, 1, 1, 2, 2]
    with pytest.raises(ValueError, match="starts at 1"):
        PageRequest(0, 50)
    with pytest.raises(ValueError, match="at least one row"):
        PageRequest(1, 0)
