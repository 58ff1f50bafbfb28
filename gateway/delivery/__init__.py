"""Reliable delivery: a message the gateway accepted is never lost, and its receiver sees its effect once.

- `inbox.receive`: store what arrives before acknowledging it; a repeat is acknowledged, not redone.
- `outbox.enqueue`: queue what to send in the same transaction as the change that caused it.
- `dispatch.Dispatcher`: claim due messages, deliver through the adapter with the message's idempotency
  key, retry transient failures on a persisted schedule, open a circuit breaker per endpoint.
- `deadletters`: list dead letters, replay them as child messages, show a message's lineage.
- `worker.WorkerPool`: N supervised processes running the dispatcher (`woonbrug worker`).
"""

from gateway.delivery.breaker import BreakerPolicy, BreakerView, list_breakers
from gateway.delivery.deadletters import (
    DeadLetter,
    ReplayError,
    attempts_of,
    lineage,
    list_dead_letters,
    replay,
    replay_all,
)
from gateway.delivery.dispatch import AdapterResolver, AttemptResult, Claim, Dispatcher
from gateway.delivery.inbox import Receipt, mark_processed, receive, unprocessed
from gateway.delivery.outbox import Destination, DuplicateKeyConflict, enqueue, enqueue_many
from gateway.delivery.retry import RetryPolicy, classify
from gateway.delivery.worker import WorkerOptions, WorkerPool, run_worker

__all__ = [
    "AdapterResolver",
    "AttemptResult",
    "BreakerPolicy",
    "BreakerView",
    "Claim",
    "DeadLetter",
    "Destination",
    "Dispatcher",
    "DuplicateKeyConflict",
    "Receipt",
    "ReplayError",
    "RetryPolicy",
    "WorkerOptions",
    "WorkerPool",
    "attempts_of",
    "classify",
    "enqueue",
    "enqueue_many",
    "lineage",
    "list_breakers",
    "list_dead_letters",
    "mark_processed",
    "receive",
    "replay",
    "replay_all",
    "run_worker",
    "unprocessed",
]
