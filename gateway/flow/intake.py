"""Intake: reading what each corporation's system has new, into the inbox, and into the flow.

For every corporation whose adapter polls (or reads a drop folder), `Intake.poll` asks the adapter for
what changed since the stored cursor. Each message is stored in the inbox before anything else happens
(a repeat is recognised there and not applied twice), the cursor moves on only after all of a batch is
stored, and then each new message is applied to the flow and marked processed. Messages stored but not
yet applied (a crash in between) are applied by `apply_pending`, which every poll runs first. A record the
adapter could not translate is logged and audited with its location, and never blocks the rest.

`RegionResolver` gives the delivery workers the adapter of a destination, configured as the region file
says for that corporation.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from adapters import Adapter, AdapterError, AdapterRegistry, Transport, discover
from gateway.delivery import inbox
from gateway.delivery.outbox import Destination
from gateway.flow.policy import CorporatieConfig, RegionConfig
from gateway.flow.records import IntakeCursor
from gateway.flow.service import FlowError, FlowService
from gateway.store import audit
from schemas import parse_message

__all__ = ["Intake", "IntakeResult", "RegionResolver", "with_secrets"]

log = logging.getLogger(__name__)


def with_secrets(config: Mapping[str, Any]) -> dict[str, Any]:
    """The region file names secrets by environment variable (`api_key_env: CORP_A_API_KEY`); this reads
    them: `api_key` gets the variable's value when it is set, and the `_env` key goes."""
    out: dict[str, Any] = {}
    for key, value in config.items():
        if key.endswith("_env") and isinstance(value, str):
            secret = os.environ.get(value)
            if secret:
                out[key.removesuffix("_env")] = secret
        else:
            out[key] = value
    return out


class RegionResolver:
    """`Destination -> Adapter` for the delivery workers: the corporation's adapter with its region config.

    `overrides` replaces config values per corporation (the demo points adapters at its simulators).
    Adapters are built once per destination and reused.
    """

    def __init__(
        self,
        region: RegionConfig,
        *,
        registry: AdapterRegistry | None = None,
        overrides: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.region = region
        self.registry = registry or discover()
        self.overrides = overrides or {}
        self._built: dict[str, Adapter[Any]] = {}

    def for_corporatie(self, corporatie: CorporatieConfig) -> Adapter[Any]:
        adapter = self._built.get(corporatie.id)
        if adapter is None:
            config = {**with_secrets(corporatie.config), **self.overrides.get(corporatie.id, {})}
            adapter = self.registry.get(corporatie.adapter).from_settings(config)
            self._built[corporatie.id] = adapter
        return adapter

    def __call__(self, destination: Destination) -> Adapter[Any]:
        corporatie = self.region.corporatie(destination.corporation)
        if corporatie.adapter != destination.adapter:
            raise LookupError(f"{destination.endpoint}: corporatie uses adapter {corporatie.adapter!r}")
        return self.for_corporatie(corporatie)

    async def aclose(self) -> None:
        for adapter in self._built.values():
            await adapter.aclose()


@dataclass
class IntakeResult:
    received: int = 0
    duplicates: int = 0
    rejected: int = 0
    refused_by_flow: int = 0
    errors: list[str] = field(default_factory=list)


class Intake:
    """Polls the region's corporations and applies what arrives to the flow."""

    def __init__(self, flow: FlowService, adapters: Callable[[CorporatieConfig], Adapter[Any]]) -> None:
        self.flow = flow
        self.db = flow.db
        self.adapters = adapters

    def pollable(self) -> list[CorporatieConfig]:
        wanted = {Transport.POLL, Transport.FILE_DROP}
        return [c for c in self.flow.region.corporaties if wanted & self.adapters(c).capabilities.transports]

    async def poll_all(self) -> IntakeResult:
        total = IntakeResult()
        total.refused_by_flow += self.apply_pending()
        for corporatie in self.pollable():
            result = await self.poll(corporatie)
            total.received += result.received
            total.duplicates += result.duplicates
            total.rejected += result.rejected
            total.refused_by_flow += result.refused_by_flow
            total.errors += result.errors
        return total

    async def poll(self, corporatie: CorporatieConfig) -> IntakeResult:
        """One poll of one corporation's system: store, move the cursor, apply."""
        result = IntakeResult()
        adapter = self.adapters(corporatie)
        with self.db.session() as session:
            row = session.get(IntakeCursor, (corporatie.id, corporatie.adapter))
            cursor = row.cursor if row else None
        try:
            polled = await adapter.poll(cursor)
        except AdapterError as error:
            # The vendor system is down or refusing: try again at the next poll, from the same cursor.
            log.warning("intake from %s failed: %s", corporatie.id, error)
            result.errors.append(f"{corporatie.id}: {error}")
            return result
        now = self.flow.clock.now()
        with self.db.transaction() as session:
            for rejected in polled.rejects:
                result.rejected += 1
                log.warning("intake from %s: record refused at %s", corporatie.id, rejected)
                self._audit_reject(session, corporatie, str(rejected))
            for message in polled.messages:
                receipt = inbox.receive(session, message, clock=self.flow.clock, actor=corporatie.id)
                if receipt.duplicate:
                    result.duplicates += 1
                else:
                    result.received += 1
            cursor_row = session.get(IntakeCursor, (corporatie.id, corporatie.adapter))
            if cursor_row is None:
                session.add(
                    IntakeCursor(
                        corporatie=corporatie.id, adapter=corporatie.adapter, cursor=polled.cursor, updated_at=now
                    )
                )
            else:
                cursor_row.cursor, cursor_row.updated_at = polled.cursor, now
        result.refused_by_flow += self.apply_pending()
        return result

    def apply_pending(self) -> int:
        """Apply every stored, unapplied inbound message to the flow; returns how many the flow refused."""
        refused = 0
        while True:
            with self.db.session() as session:
                pending = inbox.unprocessed(session, limit=100, lock=False)
                batch = [(row.id, row.source_tenant, row.payload) for row in pending]
            if not batch:
                return refused
            for inbox_id, tenant, payload in batch:
                message = parse_message(payload)
                try:
                    self.flow.handle(message, tenant=tenant)
                except (FlowError, LookupError) as error:
                    # A message the flow cannot take (unknown unit, wrong gemeente): kept, audited, not retried.
                    refused += 1
                    log.warning("inbound %s %s refused by the flow: %s", message.type, message.message_id, error)
                    with self.db.transaction() as session:
                        audit.record(
                            session,
                            at=self.flow.clock.now(),
                            actor="woonbrug",
                            action="inbox.refused",
                            entity_type="inbox",
                            entity_id=str(inbox_id),
                            keys=audit.keys_of(message),
                            detail={"reason": str(error)[:500]},
                        )
                with self.db.transaction() as session:
                    inbox.mark_processed(session, inbox_id, clock=self.flow.clock)

    def _audit_reject(self, session: Session, corporatie: CorporatieConfig, where: str) -> None:
        audit.record(
            session,
            at=self.flow.clock.now(),
            actor=corporatie.id,
            action="intake.rejected",
            entity_type="intake",
            entity_id=corporatie.id,
            detail={"adapter": corporatie.adapter, "error": where[:500]},
        )
