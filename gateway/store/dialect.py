"""The few statements whose SQL differs between SQLite and PostgreSQL, behind one function each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

__all__ = ["dialect_of", "insert_ignore"]


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name


def insert_ignore(session: Session, model: Any, conflict_columns: Sequence[str]) -> Any:
    """`INSERT ... ON CONFLICT (columns) DO NOTHING` for `model` (both databases support it).

    Used where a duplicate is a normal event (a message received twice, a message enqueued twice), so
    the caller's transaction is not aborted by a unique violation.
    """
    if dialect_of(session) == "postgresql":
        return postgresql.insert(model).on_conflict_do_nothing(index_elements=list(conflict_columns))
    return sqlite.insert(model).on_conflict_do_nothing(index_elements=list(conflict_columns))
