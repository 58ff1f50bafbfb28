"""The one declarative base and metadata of the gateway's database, and the column types every table uses.

Every table of the gateway (delivery's outbox and inbox here, the flow's tables later) is declared on
`Base`, so that one Alembic history covers them all and `woonbrug db check` can compare all models with
all migrations. A module that declares tables adds its import path to `MODEL_MODULES`; Alembic's
environment and the check import them all before they look at `Base.metadata`.

Two types smooth over the databases:

- `UTCDateTime`: timezone-aware on the way in and out. PostgreSQL stores `timestamptz`; SQLite has no
  time zones, so values are stored as naive UTC in one fixed text format (which keeps text comparison
  equal to time comparison) and come back as aware UTC.
- `JSONDocument`: JSON, as JSONB on PostgreSQL.
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

from sqlalchemy import JSON, BigInteger, DateTime, Integer, MetaData
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

__all__ = ["MODEL_MODULES", "Base", "BigId", "JSONDocument", "UTCDateTime", "load_models", "metadata"]

# Constraint names are part of the schema (migrations refer to them), so they must not be left to chance.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Modules that declare tables on `Base`. Add yours here (one line) when you add tables.
MODEL_MODULES: tuple[str, ...] = (
    "gateway.store.models",
    "gateway.flow.records",
    "gateway.tenants.records",
    "gateway.inbound.records",
)

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# A 64-bit key on PostgreSQL; SQLite only autoincrements a plain INTEGER PRIMARY KEY (the rowid).
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Base of every ORM model of the gateway."""

    metadata = metadata


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp; naive datetimes are refused rather than guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column; use an aware (UTC) datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# JSON on every database, JSONB (indexable, compact) on PostgreSQL.
JSONDocument = JSON().with_variant(JSONB(), "postgresql")


def load_models() -> MetaData:
    """Import every module in `MODEL_MODULES` so `metadata` knows all tables; returns the metadata."""
    for name in MODEL_MODULES:
        importlib.import_module(name)
    return metadata
