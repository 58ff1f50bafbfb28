"""The gateway's durable store: SQLAlchemy 2 models on one `Base`, engines for SQLite and PostgreSQL,
Alembic migrations (`gateway/store/migrations/`), the append-only audit log, and the one paging helper
of long lists (`gateway.store.paging`).

Adding tables: declare them on `gateway.store.base.Base` in your own module, add the module to
`MODEL_MODULES` in `gateway/store/base.py`, then `woonbrug db revision -m "..." --autogenerate` and review
the file it writes. docs/operations.md has the details.
"""

from gateway.store.base import MODEL_MODULES, Base, JSONDocument, UTCDateTime, load_models, metadata
from gateway.store.engine import Database, is_transient_db_error, redact_url
from gateway.store.models import (
    AttemptOutcome,
    AuditEntry,
    BreakerState,
    CircuitBreakerRow,
    DeliveryAttempt,
    InboxMessage,
    OutboxMessage,
    OutboxStatus,
)

__all__ = [
    "MODEL_MODULES",
    "AttemptOutcome",
    "AuditEntry",
    "Base",
    "BreakerState",
    "CircuitBreakerRow",
    "Database",
    "DeliveryAttempt",
    "InboxMessage",
    "JSONDocument",
    "OutboxMessage",
    "OutboxStatus",
    "UTCDateTime",
    "is_transient_db_error",
    "load_models",
    "metadata",
    "redact_url",
]
