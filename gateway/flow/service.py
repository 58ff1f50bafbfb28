"""The shared allocation flow over the store: each step is one transaction that changes the flow's state,
writes the messages that change causes into the outbox, and appends to the audit log — all or nothing.

    vacancy (eenheid.vrijgekomen) -> Publicatie GEP, response window open
    -> responses (Kandidaat REA) with the seeker's one regional Inschrijving
    -> window closes: eligibility + ranking -> Kandidatenlijst released to the owner (minimised)
    -> Aanbieding to the first candidate with a deadline; refusal or expiry moves to the next
    -> acceptance: Toewijzing written back to the owner's system through its adapter
    -> Overeenkomst comes back -> Inschrijving ends per region rule -> Publicatie AFG.
    Withdrawal (ING) is possible at any point before allocation.

Every rule that decides is a pure function elsewhere in `gateway.flow`: eligibility and passend
(`eligibility`), ranking and the lottery (`ranking`), sanctions for refusals (`sanctions`), the binding
cap and a household's binding (`binding`), where a housed seeker came from (`herkomst`), the quota
warnings and the DAEB target test (`quotas`). This module only loads, stores and sequences. Messages
from outside reach it through the inbound pipeline (`gateway.inbound`), which checks ownership first.
Time comes from the injected clock, and the parameter year from the allocation date, never from today.
Illegal transitions raise `IllegalTransition` (`gateway.flow.transitions`) and change nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from adapters import Capabilities, discover
from gateway.core.clock import SYSTEM_CLOCK, Clock
from gateway.delivery.outbox import Destination, enqueue
from gateway.flow import quotas
from gateway.flow.binding import BindingDecision, apply_binding_cap, has_binding_criteria, household_has_binding
from gateway.flow.eligibility import RejectionReason
from gateway.flow.free_room import FreeRoom, free_room
from gateway.flow.herkomst import herkomst
from gateway.flow.lottery import lotingzaad_commitment, new_lotingzaad, trekking
from gateway.flow.parameters import ParameterTable, allocation_date_of
from gateway.flow.policy import CorporatieConfig, RegionConfig
from gateway.flow.publication import describe as describe_publication_problems
from gateway.flow.publication import gemeente_of, owner_of, publication_problems
from gateway.flow.quotas import binding_count
from gateway.flow.ranking import Reactie, rank_kandidaten
from gateway.flow.records import (
    AanbiedingRecord,
    EenheidRecord,
    InschrijvingRecord,
    KandidaatRecord,
    OvereenkomstRecord,
    PublicatieRecord,
    SanctieRecord,
    ToewijzingRecord,
)
from gateway.flow.sanctions import blocking_sanctie, is_refusal_reason, sanction_for
from gateway.flow.transitions import AANBIEDING, KANDIDAAT, PUBLICATIE, IllegalTransition, require
from gateway.store import audit
from gateway.store.audit import AuditKeys
from gateway.store.engine import Database
from schemas import (
    INCLUDE_BSN,
    Aanbieding,
    AanbiedingDetailStatus,
    AanbiedingGedaan,
    AanbiedingStatus,
    Eenheid,
    EenheidVrijgekomen,
    Inschrijving,
    Kandidaat,
    KandidaatDetailStatus,
    KandidaatStatus,
    KandidatenlijstVrijgegeven,
    Message,
    MessageSource,
    OvereenkomstGetekend,
    OvereenkomstStatus,
    PassendheidDetailSoort,
    PassendheidSoort,
    Publicatie,
    PublicatieAangeboden,
    PublicatieAfgerond,
    PublicatieIngetrokken,
    PublicatieModel,
    PublicatieStatus,
    Sanctie,
    Sleutel,
    Toewijzing,
    ToewijzingGedaan,
)

__all__ = ["FlowError", "FlowService", "TickResult", "flow_id"]

# Identifiers the gateway mints are UUIDv5 of what they stand for, so a repeated step mints the same id.
_NAMESPACE = uuid.UUID("6f1c9a4e-4b9e-5f0a-9c1e-7d0b5a3e2c11")


def flow_id(prefix: str, *parts: str) -> str:
    """A stable id like `pub-3f2a...` for the thing named by `parts`."""
    return f"{prefix}-{uuid.uuid5(_NAMESPACE, '/'.join(parts)).hex[:20]}"


class FlowError(Exception):
    """A request the flow refuses (unknown entity, closed window, ...). Texts carry ids, never personal data."""


@dataclass
class TickResult:
    """What one `tick` did."""

    windows_closed: list[str] = field(default_factory=list)
    offers_expired: list[str] = field(default_factory=list)


PASSEND_EXCEPTION_ACTION = "passend.uitzondering"


def _room_used(passend: bool, daeb: bool) -> list[str]:
    return [name for name, used in (("passend", passend), ("daeb", daeb)) if used]


def _keys(record: PublicatieRecord, **others: str) -> AuditKeys:
    """Audit keys of a step on a listing: the publicatie and the flow's correlation id, plus `others`."""
    return AuditKeys(publicatie_id=record.id, correlation_id=record.correlation_id, **others)


def _capabilities_from_registry() -> Callable[[str], Capabilities]:
    registry = discover()
    return lambda adapter: registry.get(adapter).capabilities


class FlowService:
    """The flow for one region. Create one per process; every public method is its own transaction."""

    def __init__(
        self,
        db: Database,
        region: RegionConfig,
        *,
        parameters: ParameterTable,
        clock: Clock = SYSTEM_CLOCK,
        capabilities: Callable[[str], Capabilities] | None = None,
        response_window: timedelta = timedelta(days=7),
        lotingzaad_source: Callable[[], str] = new_lotingzaad,
    ) -> None:
        self.db = db
        self.region = region
        self.parameters = region.parameter_table(parameters)
        self.clock = clock
        self.response_window = response_window
        # Where each listing's secret lot seed comes from: the operating system's randomness, or a seeded
        # source for a reproducible demo (gateway.flow.lottery.seeded_lotingzaad_source).
        self._lotingzaad_source = lotingzaad_source
        self._capabilities = capabilities or _capabilities_from_registry()
        self.source = MessageSource(tenant=region.region.id, system="woonbrug")

    # --- inbound messages ---------------------------------------------------------------------------

    def handle(self, message: Message, *, tenant: str) -> None:
        """Apply one inbound message (from a corporation's adapter or a portal) to the flow."""
        if isinstance(message, EenheidVrijgekomen):
            self.publish_vacancy(message)
        elif isinstance(message, OvereenkomstGetekend):
            self.sign_contract(message)
        elif message.type in {"inschrijving.geregistreerd", "inschrijving.gewijzigd"}:
            self.register(message.payload, portal=tenant)
        else:
            raise FlowError(f"the flow does not take {message.type} messages from {tenant}")

    # --- publication ----------------------------------------------------------------------------------

    def publish_vacancy(self, message: EenheidVrijgekomen) -> Publicatie:
        """Publish a reported vacancy; the same report twice gives the same listing."""
        vacancy = message.payload
        eenheid = vacancy.eenheid
        problems = publication_problems(eenheid)
        if problems:  # held with every reason for region staff, never published as if complete
            raise FlowError(describe_publication_problems(eenheid.id, problems))
        corporatie = self._corporatie(owner_of(eenheid))
        gemeente = gemeente_of(eenheid).code
        if gemeente not in corporatie.gemeenten:
            raise FlowError(f"corporatie {corporatie.id} does not let homes in {gemeente}")
        model = vacancy.gewenst_model or PublicatieModel.AAN
        rule = self.region.policy.rule_for(model)  # the region must rank this model; LookupError says which
        publicatie_id = flow_id("pub", message.source.tenant, message.message_id)
        now = self.clock.now()
        with self.db.transaction() as session:
            existing = session.get(PublicatieRecord, publicatie_id)
            if existing is not None:
                return Publicatie.model_validate(existing.document)
            decision = self._apply_binding_cap(session, eenheid, now)
            eenheid = decision.eenheid
            # Every listing gets a secret: a lottery ranks by its lot, the others break ties with it. Its
            # commitment is published now, before anyone can respond (gateway.flow.lottery).
            seed = self._lotingzaad_source()
            commitment = lotingzaad_commitment(seed)
            publicatie = Publicatie(
                id=publicatie_id,
                id_organisatie=corporatie.id,
                status=PublicatieStatus.GEP,
                model=model,
                begindatum=now,
                einddatum=now + self.response_window,
                eenheden=[eenheid],
                lotingzaad_commitment=commitment,
            )
            session.merge(
                EenheidRecord(
                    id=eenheid.id,
                    corporatie=corporatie.id,
                    gemeente=gemeente,
                    document=eenheid.model_dump(mode="json"),
                    updated_at=now,
                )
            )
            session.add(
                PublicatieRecord(
                    id=publicatie.id,
                    corporatie=corporatie.id,
                    eenheid_id=eenheid.id,
                    gemeente=gemeente,
                    model=model.code,
                    status=publicatie.status.code,
                    begindatum=publicatie.begindatum,
                    einddatum=publicatie.einddatum,
                    daeb=eenheid.is_daeb,
                    binding=decision.binding,
                    binding_lokaal=decision.lokaal,
                    binding_regionaal=decision.regionaal,
                    lotingzaad=seed,
                    lotingzaad_commitment=commitment,
                    correlation_id=message.correlation_id,
                    document=publicatie.model_dump(mode="json"),
                    created_at=now,
                    updated_at=now,
                )
            )
            session.flush()
            self._audit(
                session,
                "publicatie.gepubliceerd",
                "publicatie",
                publicatie.id,
                actor=message.source.tenant,
                keys=AuditKeys(publicatie.id, correlation_id=message.correlation_id, message_id=message.message_id),
                detail={
                    "binding": decision.binding,
                    "binding_lokaal": decision.lokaal,
                    "binding_regionaal": decision.regionaal,
                    "binding_warnings": list(decision.warnings),
                    "model": model.code,
                    "ranking": rule.value,
                    "lotingzaad_commitment": commitment,
                },
            )
            self._send(session, message.caused(PublicatieAangeboden, publicatie, self.source), corporatie.id)
        return publicatie

    def _apply_binding_cap(self, session: Session, eenheid: Eenheid, now: datetime) -> BindingDecision:
        """Count the gemeente's listings of this Dutch calendar year; `binding.apply_binding_cap` decides."""
        gemeente = gemeente_of(eenheid).code
        if not has_binding_criteria(eenheid):
            return BindingDecision(eenheid, lokaal=False, regionaal=False)
        count = binding_count(
            session, allocation_date_of(now).year, gemeente, verwacht_aanbod=self.region.verwacht_aanbod
        )
        return apply_binding_cap(eenheid, count, self.region.policy, gemeente=gemeente)

    def withdraw_publicatie(self, publicatie_id: str, *, actor: str) -> Publicatie:
        """Withdraw a listing (ING) before allocation; open offers are withdrawn with it."""
        now = self.clock.now()
        with self.db.transaction() as session:
            record = self._publicatie(session, publicatie_id, lock=True)
            publicatie = Publicatie.model_validate(record.document)
            require(PUBLICATIE, "publicatie", publicatie_id, publicatie.status, PublicatieStatus.ING)
            if session.scalar(select(ToewijzingRecord.id).where(ToewijzingRecord.publicatie_id == publicatie_id)):
                raise FlowError(f"publicatie {publicatie_id} is already allocated")
            for offer in self._open_offers(session, publicatie_id=publicatie_id):
                self._close_offer(session, offer, AanbiedingStatus.ING, AanbiedingDetailStatus.ONT, now)
            publicatie = self._set_publicatie_status(record, publicatie, PublicatieStatus.ING, now)
            self._audit(session, "publicatie.ingetrokken", "publicatie", publicatie_id, actor=actor, keys=_keys(record))
            self._send(
                session,
                PublicatieIngetrokken(correlation_id=record.correlation_id, source=self.source, payload=publicatie),
                record.corporatie,
            )
        return publicatie

    # --- registrations and responses ------------------------------------------------------------------

    def register(self, inschrijving: Inschrijving, *, portal: str) -> None:
        """Store (or update) a seeker's regional registration as the portal supplied it."""
        self.register_many([inschrijving], portal=portal)

    def register_many(self, inschrijvingen: Sequence[Inschrijving], *, portal: str) -> None:
        """Store or update many registrations in one transaction (a corporation's first migration)."""
        now = self.clock.now()
        with self.db.transaction() as session:
            for inschrijving in inschrijvingen:
                self.register_in(session, inschrijving, portal, now)

    def register_in(self, session: Session, inschrijving: Inschrijving, portal: str, now: datetime) -> None:
        """`register` inside the caller's transaction (bulk import stores the inbox row and the
        registration together, so a crash cannot leave one without the other)."""
        record = session.get(InschrijvingRecord, inschrijving.id, with_for_update=True)
        if record is not None and record.portal != portal:
            raise FlowError(f"inschrijving {inschrijving.id} belongs to another portal")
        values = {
            "portal": portal,
            "status": inschrijving.status.code,
            "gemeente": inschrijving.gemeente.code,
            "begindatum": inschrijving.begindatum,
            "einddatum": inschrijving.einddatum,
            "document": inschrijving.model_dump(mode="json", context=INCLUDE_BSN),
            "updated_at": now,
        }
        if record is None:
            session.add(InschrijvingRecord(id=inschrijving.id, weigeringen=0, **values))
            action = "inschrijving.geregistreerd"
        else:
            for name, value in values.items():
                setattr(record, name, value)
            action = "inschrijving.gewijzigd"
        session.flush()
        self._audit(session, action, "inschrijving", inschrijving.id, actor=portal)

    def respond(self, publicatie_id: str, inschrijving_id: str, *, portal: str | None = None) -> Kandidaat:
        """A seeker responds to a listing with the one regional Inschrijving (idempotent per pair)."""
        now = self.clock.now()
        with self.db.transaction() as session:
            publicatie = self._publicatie(session, publicatie_id)
            if publicatie.status != PublicatieStatus.GEP.code or not (
                publicatie.begindatum <= now < publicatie.einddatum
            ):
                raise FlowError(f"publicatie {publicatie_id} is not open for responses")
            inschrijving = session.get(InschrijvingRecord, inschrijving_id)
            if inschrijving is None or (portal is not None and inschrijving.portal != portal):
                raise FlowError(f"no inschrijving {inschrijving_id}")
            if inschrijving.status != OvereenkomstStatus.LOP.code:
                raise FlowError(f"inschrijving {inschrijving_id} is not active")
            existing = session.scalar(
                select(KandidaatRecord).where(
                    KandidaatRecord.publicatie_id == publicatie_id, KandidaatRecord.inschrijving_id == inschrijving_id
                )
            )
            if existing is not None:
                return Kandidaat.model_validate(existing.document)
            kandidaat = Kandidaat(
                id=flow_id("kan", publicatie_id, inschrijving_id),
                publicatie=Sleutel(id=publicatie_id),
                inschrijving=Sleutel(id=inschrijving_id),
                status=KandidaatStatus.REA,
                reactiedatum=now,
            )
            session.add(
                KandidaatRecord(
                    id=kandidaat.id,
                    publicatie_id=publicatie_id,
                    inschrijving_id=inschrijving_id,
                    status=kandidaat.status.code,
                    reactiedatum=now,
                    document=kandidaat.model_dump(mode="json"),
                    updated_at=now,
                )
            )
            session.flush()
            self._audit(
                session,
                "reactie.ontvangen",
                "kandidaat",
                kandidaat.id,
                actor=portal or inschrijving.portal,
                keys=AuditKeys(publicatie_id=publicatie_id, inschrijving_id=inschrijving_id),
            )
        return kandidaat

    def withdraw_response(self, kandidaat_id: str, *, portal: str | None = None) -> None:
        """Withdraw a response while the window is still open."""
        now = self.clock.now()
        with self.db.transaction() as session:
            record = session.get(KandidaatRecord, kandidaat_id, with_for_update=True)
            if record is None:
                raise FlowError(f"no kandidaat {kandidaat_id}")
            if portal is not None and self._inschrijving(session, record.inschrijving_id).portal != portal:
                raise FlowError(f"no kandidaat {kandidaat_id}")
            publicatie = self._publicatie(session, record.publicatie_id)
            if publicatie.status != PublicatieStatus.GEP.code:
                raise FlowError(f"the response window of publicatie {record.publicatie_id} has closed")
            kandidaat = Kandidaat.model_validate(record.document)
            self._set_kandidaat(record, kandidaat, now, status=KandidaatStatus.AFG, afwijzing=["INGETROKKEN"])
            self._audit(session, "reactie.ingetrokken", "kandidaat", kandidaat_id, actor=publicatie.corporatie)

    # --- closing the window: eligibility, ranking, first offer ----------------------------------------

    def close_window(self, publicatie_id: str) -> None:
        """Rank the responses, release the Kandidatenlijst to the owner, and make the first offer."""
        now = self.clock.now()
        allocation_date = allocation_date_of(now)
        with self.db.transaction() as session:
            record = self._publicatie(session, publicatie_id, lock=True)
            publicatie = Publicatie.model_validate(record.document)
            require(PUBLICATIE, "publicatie", publicatie_id, publicatie.status, PublicatieStatus.AAN)
            if now < record.einddatum:
                raise FlowError(f"the response window of publicatie {publicatie_id} is still open")
            rows = session.execute(
                select(KandidaatRecord, InschrijvingRecord)
                .join(InschrijvingRecord, InschrijvingRecord.id == KandidaatRecord.inschrijving_id)
                .where(
                    KandidaatRecord.publicatie_id == publicatie_id,
                    KandidaatRecord.status == KandidaatStatus.REA.code,
                )
            ).all()
            reacties = [
                Reactie(Kandidaat.model_validate(k.document), Inschrijving.model_validate(i.document)) for k, i in rows
            ]
            ids = [i.id for _, i in rows]
            sancties = [
                Sanctie.model_validate(s.document)
                for s in session.scalars(select(SanctieRecord).where(SanctieRecord.inschrijving_id.in_(ids)))
            ]
            result = rank_kandidaten(
                publicatie,
                reacties,
                region=self.region,
                parameters=self.parameters.for_date(allocation_date),
                allocation_date=allocation_date,
                vastgesteld_op=now,
                sancties=sancties,
                lotingzaad=record.lotingzaad,
                passend_exceptions=self._passend_exceptions(session, publicatie_id),
                free_room=self._free_room(session, record.corporatie, allocation_date.year),
            )
            by_id = {k.id: k for k, _ in rows}
            for ranked in result.kandidatenlijst.kandidaten:
                outcome = result.eligibility[ranked.id]
                self._set_kandidaat(
                    by_id[ranked.id],
                    ranked,
                    now,
                    status=KandidaatStatus.SEL,
                    eligibility={
                        "passendheidsoort": outcome.passendheidsoort.code,
                        "passendheiddetailsoort": outcome.passendheiddetailsoort.code
                        if outcome.passendheiddetailsoort
                        else None,
                        "huishoudgrootte": outcome.huishoudgrootte,
                        "is_ouderenhuishouden": outcome.is_ouderenhuishouden,
                        "rekeninkomen": str(outcome.rekeninkomen),
                        "rekenhuur": str(outcome.rekenhuur),
                        "vrije_ruimte": _room_used(outcome.uses_passend_room, outcome.uses_daeb_room),
                    },
                )
            for rejection in result.rejected:
                self._set_kandidaat(
                    by_id[rejection.kandidaat.id],
                    rejection.kandidaat,
                    now,
                    status=KandidaatStatus.AFG,
                    afwijzing=[reason.value for reason in rejection.reasons],
                )
            lijst = result.kandidatenlijst
            record.kandidatenlijst = lijst.model_dump(mode="json")
            self._set_publicatie_status(record, publicatie, PublicatieStatus.AAN, now)
            if record.lotingzaad is not None and record.lotingzaad_commitment is not None:
                # The draw is done: reveal the secret with the closed response list it was drawn over.
                self._audit(
                    session,
                    "loting.getrokken",
                    "publicatie",
                    publicatie_id,
                    keys=_keys(record),
                    detail=trekking(
                        publicatie_id,
                        commitment=record.lotingzaad_commitment,
                        lotingzaad=record.lotingzaad,
                        reacties=result.reacties,
                        kandidaten=[],
                    ),
                )
            self._audit(
                session,
                "kandidatenlijst.vrijgegeven",
                "publicatie",
                publicatie_id,
                keys=_keys(record),
                detail={"kandidaten": len(lijst.kandidaten), "afgewezen": len(result.rejected)},
            )
            self._send(
                session,
                KandidatenlijstVrijgegeven(correlation_id=record.correlation_id, source=self.source, payload=lijst),
                record.corporatie,
            )
            self._offer_next(session, record, now)

    def _offer_next(self, session: Session, record: PublicatieRecord, now: datetime) -> Aanbieding | None:
        """Offer the listing to the best-placed candidate who has not had it yet and is still active."""
        candidates = session.scalars(
            select(KandidaatRecord)
            .where(KandidaatRecord.publicatie_id == record.id, KandidaatRecord.status == KandidaatStatus.SEL.code)
            .order_by(KandidaatRecord.positie)
        ).all()
        for candidate in candidates:
            inschrijving = self._inschrijving(session, candidate.inschrijving_id)
            kandidaat = Kandidaat.model_validate(candidate.document)
            if inschrijving.status != OvereenkomstStatus.LOP.code:
                self._set_kandidaat(candidate, kandidaat, now, status=KandidaatStatus.AFG, afwijzing=["NIET_ACTIEF"])
                continue
            if not self._room_still_there(session, record.corporatie, candidate, now):
                # The free room this household needed was used by lettings since the ranking.
                self._set_kandidaat(
                    candidate, kandidaat, now, status=KandidaatStatus.AFG, afwijzing=["GEEN_VRIJE_RUIMTE"]
                )
                self._audit(
                    session,
                    "aanbieding.overgeslagen",
                    "kandidaat",
                    candidate.id,
                    keys=_keys(record, inschrijving_id=candidate.inschrijving_id),
                    detail={
                        "reason": "GEEN_VRIJE_RUIMTE",
                        "vrije_ruimte": (candidate.eligibility or {}).get("vrije_ruimte"),
                    },
                )
                continue
            sanctie = self._blocking_sanctie(session, candidate.inschrijving_id, now)
            if sanctie is not None:
                # A Sanctie imposed after the list was ranked still stops the offer (gateway.flow.sanctions).
                self._set_kandidaat(
                    candidate,
                    kandidaat,
                    now,
                    status=KandidaatStatus.AFG,
                    afwijzing=[RejectionReason.GESANCTIONEERD.value],
                )
                self._audit(
                    session,
                    "aanbieding.overgeslagen",
                    "kandidaat",
                    candidate.id,
                    keys=_keys(record, inschrijving_id=candidate.inschrijving_id),
                    detail={"reason": RejectionReason.GESANCTIONEERD.value, "sanctie": sanctie.id},
                )
                continue
            aanbieding = Aanbieding(
                id=flow_id("aan", record.id, candidate.id),
                publicatie=Sleutel(id=record.id),
                kandidaat=Sleutel(id=candidate.id),
                inschrijving=Sleutel(id=candidate.inschrijving_id),
                status=AanbiedingStatus.AAN,
                aangeboden_op=now,
                reageren_voor=now + timedelta(days=self.region.policy.offer_deadline_days),
            )
            self._set_kandidaat(candidate, kandidaat, now, status=KandidaatStatus.AAN, detail=KandidaatDetailStatus.AAN)
            session.add(
                AanbiedingRecord(
                    id=aanbieding.id,
                    publicatie_id=record.id,
                    kandidaat_id=candidate.id,
                    inschrijving_id=candidate.inschrijving_id,
                    status=aanbieding.status.code,
                    aangeboden_op=aanbieding.aangeboden_op,
                    reageren_voor=aanbieding.reageren_voor,
                    document=aanbieding.model_dump(mode="json"),
                    updated_at=now,
                )
            )
            session.flush()
            self._audit(
                session,
                "aanbieding.gedaan",
                "aanbieding",
                aanbieding.id,
                keys=_keys(record, inschrijving_id=candidate.inschrijving_id),
                detail={"positie": candidate.positie},
            )
            self._send(
                session,
                AanbiedingGedaan(correlation_id=record.correlation_id, source=self.source, payload=aanbieding),
                record.corporatie,
            )
            return aanbieding
        self._audit(session, "kandidatenlijst.uitgeput", "publicatie", record.id, keys=_keys(record))
        return None

    # --- answers to offers ----------------------------------------------------------------------------

    def refuse(self, aanbieding_id: str, reason: AanbiedingDetailStatus, *, portal: str | None = None) -> None:
        """The candidate refuses, with VERA's reason code; the next candidate gets the offer."""
        if not is_refusal_reason(reason):
            raise FlowError(f"{reason.code} ({reason.naam}) is not a reason for refusing (GEW) an offer")
        now = self.clock.now()
        with self.db.transaction() as session:
            offer = self._offer(session, aanbieding_id, portal)
            self._close_offer(session, offer, AanbiedingStatus.GEW, reason, now)
            inschrijving = self._inschrijving(session, offer.inschrijving_id)
            inschrijving.weigeringen += 1
            self._sanction(session, inschrijving, now)
            self._offer_next(session, self._publicatie(session, offer.publicatie_id), now)

    def _sanction(self, session: Session, inschrijving: InschrijvingRecord, now: datetime) -> None:
        """Store the sanction the refusals so far earn (`sanctions.sanction_for`); the counter starts again."""
        sanctie = sanction_for(
            inschrijving.id,
            inschrijving.weigeringen,
            refusals_before_sanction=self.region.policy.refusals_before_sanction,
            sanctie_id=flow_id("san", inschrijving.id, now.isoformat()),
            today=allocation_date_of(now),
        )
        if sanctie is None:
            return
        session.add(
            SanctieRecord(
                id=sanctie.id, inschrijving_id=inschrijving.id, document=sanctie.model_dump(mode="json"), created_at=now
            )
        )
        inschrijving.weigeringen = 0
        session.flush()
        self._audit(session, "sanctie.opgelegd", "sanctie", sanctie.id, keys=AuditKeys(inschrijving_id=inschrijving.id))
        if sanctie.soort in self.region.policy.blocking_sanctions and sanctie.active_on(allocation_date_of(now)):
            # A blocking Sanctie stops the household's open offers too; each goes to the next candidate.
            for offer in self._open_offers(session, inschrijving_id=inschrijving.id):
                self._close_offer(session, offer, AanbiedingStatus.ING, AanbiedingDetailStatus.ONT, now)
                self._offer_next(session, self._publicatie(session, offer.publicatie_id), now)

    def accept(self, aanbieding_id: str, *, portal: str | None = None) -> tuple[Toewijzing, list[str]]:
        """The candidate accepts: a Toewijzing is made and written back to the owner's system.

        Returns the Toewijzing and the quota warnings it raised (a norm this allocation breaks).
        """
        now = self.clock.now()
        allocation_date = allocation_date_of(now)
        with self.db.transaction() as session:
            offer = self._offer(session, aanbieding_id, portal)
            publicatie_record = self._publicatie(session, offer.publicatie_id, lock=True)
            publicatie = Publicatie.model_validate(publicatie_record.document)
            if publicatie.status is not PublicatieStatus.AAN:
                raise FlowError(f"publicatie {publicatie.id} is {publicatie.status.code}; it cannot be allocated")
            offered = session.get(KandidaatRecord, offer.kandidaat_id)
            if offered is not None and not self._room_still_there(session, publicatie.id_organisatie, offered, now):
                raise FlowError(
                    f"the free room of corporatie {publicatie.id_organisatie} this year is used up: aanbieding "
                    f"{aanbieding_id} needed it and cannot be accepted"
                )
            sanctie = self._blocking_sanctie(session, offer.inschrijving_id, now)
            if sanctie is not None:
                raise FlowError(
                    f"inschrijving {offer.inschrijving_id} has a blocking sanctie ({sanctie.id}) running on "
                    f"{allocation_date.isoformat()}: the offer cannot be accepted"
                )
            self._close_offer(session, offer, AanbiedingStatus.TOE, None, now)
            kandidaat_record = session.get(KandidaatRecord, offer.kandidaat_id)
            assert kandidaat_record is not None
            assert kandidaat_record.eligibility is not None, "an offered candidate was ranked, so has eligibility"
            facts = kandidaat_record.eligibility
            inschrijving_record = self._inschrijving(session, offer.inschrijving_id)
            inschrijving = Inschrijving.model_validate(inschrijving_record.document)
            eenheid = publicatie.eenheid
            detail = facts.get("passendheiddetailsoort")
            toewijzing = Toewijzing(
                id=flow_id("toe", publicatie.id),
                id_organisatie=publicatie.id_organisatie,
                datum=now,
                publicatie=Sleutel(id=publicatie.id),
                eenheid=Sleutel(id=eenheid.id),
                kandidaat=Sleutel(id=offer.kandidaat_id),
                inschrijving=Sleutel(id=offer.inschrijving_id),
                huishoudgrootte=facts["huishoudgrootte"],
                rekeninkomen=Decimal(facts["rekeninkomen"]),
                rekenhuur=Decimal(facts["rekenhuur"]),
                is_ouderenhuishouden=facts["is_ouderenhuishouden"],
                passendheidsoort=PassendheidSoort.from_code(facts["passendheidsoort"]),
                passendheiddetailsoort=PassendheidDetailSoort.from_code(detail) if detail else None,
                doelgroep=eenheid.doelgroep,
                aanvullende_doelgroep=eenheid.aanvullende_doelgroep,
                voorrangsregelingen=[
                    v for v in inschrijving.voorrangsregelingen if v.begindatum.date() <= allocation_date
                ],
            )
            parameters = self.parameters.for_date(allocation_date)
            binding = household_has_binding(inschrijving, eenheid, region=self.region, allocation_date=allocation_date)
            gemeente = gemeente_of(eenheid).code
            record = ToewijzingRecord(
                id=toewijzing.id,
                publicatie_id=publicatie.id,
                inschrijving_id=inschrijving.id,
                corporatie=publicatie.id_organisatie,
                gemeente=gemeente,
                jaar=allocation_date.year,
                datum=now,
                passendheidsoort=toewijzing.passendheidsoort.code,
                daeb=eenheid.is_daeb,
                daeb_doelgroep=quotas.in_daeb_doelgroep(
                    eenheid.is_daeb, toewijzing.rekeninkomen, toewijzing.huishoudgrootte, parameters
                ),
                binding=binding,
                herkomst=herkomst(inschrijving.gemeente.code, gemeente, self.region.gemeente_codes),
                inschrijfduur_dagen=(allocation_date - inschrijving.begindatum).days,
                reacties=session.scalar(select(func.count()).where(KandidaatRecord.publicatie_id == publicatie.id))
                or 0,
                document=toewijzing.model_dump(mode="json"),
            )
            warnings = quotas.warnings_for(session, record, self.region.policy)
            session.add(record)
            self._set_kandidaat(
                kandidaat_record, Kandidaat.model_validate(kandidaat_record.document), now, status=KandidaatStatus.TOE
            )
            # The household has a home: its other open offers go to the next candidates.
            for other in self._open_offers(session, inschrijving_id=inschrijving.id):
                self._close_offer(session, other, AanbiedingStatus.ING, AanbiedingDetailStatus.AND, now)
                self._offer_next(session, self._publicatie(session, other.publicatie_id), now)
            session.flush()
            self._audit(
                session,
                "toewijzing.gedaan",
                "toewijzing",
                toewijzing.id,
                keys=_keys(publicatie_record, inschrijving_id=inschrijving.id, toewijzing_id=toewijzing.id),
                detail={"passendheidsoort": record.passendheidsoort, "quota_warnings": warnings},
            )
            self._send(
                session,
                ToewijzingGedaan(
                    correlation_id=publicatie_record.correlation_id, source=self.source, payload=toewijzing
                ),
                publicatie.id_organisatie,
            )
        return toewijzing, warnings

    def expire_offers(self) -> list[str]:
        """Withdraw every offer whose deadline passed without an answer (REA) and offer the next candidate."""
        now = self.clock.now()
        expired: list[str] = []
        with self.db.transaction() as session:
            due = session.scalars(
                select(AanbiedingRecord)
                .where(AanbiedingRecord.status == AanbiedingStatus.AAN.code, AanbiedingRecord.reageren_voor <= now)
                .order_by(AanbiedingRecord.reageren_voor, AanbiedingRecord.id)
            ).all()
            for offer in due:
                self._close_offer(session, offer, AanbiedingStatus.ING, AanbiedingDetailStatus.REA, now)
                self._offer_next(session, self._publicatie(session, offer.publicatie_id), now)
                expired.append(offer.id)
        return expired

    # --- the contract comes back ----------------------------------------------------------------------

    def sign_contract(self, message: OvereenkomstGetekend) -> None:
        """The owner's system reports the signed lease: the listing is done, the registration ends per rule."""
        overeenkomst = message.payload
        now = self.clock.now()
        with self.db.transaction() as session:
            toewijzing = session.get(ToewijzingRecord, overeenkomst.toewijzing.id)
            if toewijzing is None or toewijzing.corporatie != overeenkomst.id_organisatie:
                raise FlowError(f"no toewijzing {overeenkomst.toewijzing.id} of {overeenkomst.id_organisatie}")
            if session.get(OvereenkomstRecord, overeenkomst.id) is not None:
                return  # the same contract reported again
            signed = session.scalar(
                select(OvereenkomstRecord.id).where(OvereenkomstRecord.toewijzing_id == toewijzing.id)
            )
            if signed is not None:
                raise FlowError(f"toewijzing {toewijzing.id} already has a signed overeenkomst ({signed})")
            session.add(
                OvereenkomstRecord(
                    id=overeenkomst.id,
                    toewijzing_id=toewijzing.id,
                    corporatie=toewijzing.corporatie,
                    begindatum=overeenkomst.begindatum,
                    document=overeenkomst.model_dump(mode="json"),
                    received_at=now,
                )
            )
            record = self._publicatie(session, toewijzing.publicatie_id, lock=True)
            publicatie = self._set_publicatie_status(
                record, Publicatie.model_validate(record.document), PublicatieStatus.AFG, now
            )
            if self.region.policy.end_inschrijving_on_lease:
                self._end_inschrijving(session, toewijzing.inschrijving_id, allocation_date_of(now))
            session.flush()
            self._audit(
                session,
                "overeenkomst.getekend",
                "overeenkomst",
                overeenkomst.id,
                actor=message.source.tenant,
                keys=_keys(record, toewijzing_id=toewijzing.id, message_id=message.message_id),
            )
            self._send(session, message.caused(PublicatieAfgerond, publicatie, self.source), record.corporatie)

    def _end_inschrijving(self, session: Session, inschrijving_id: str, day: date) -> None:
        record = self._inschrijving(session, inschrijving_id)
        inschrijving = Inschrijving.model_validate(record.document)
        ended = inschrijving.model_copy(update={"status": OvereenkomstStatus.BEE, "einddatum": day})
        record.status, record.einddatum = ended.status.code, day
        record.document = ended.model_dump(mode="json", context=INCLUDE_BSN)
        # The portal that holds the registration reads the new status through the API.
        self._audit(session, "inschrijving.beeindigd", "inschrijving", inschrijving_id)

    # --- time -----------------------------------------------------------------------------------------

    def tick(self) -> TickResult:
        """Do what time makes due: close response windows that ended, expire unanswered offers."""
        result = TickResult()
        now = self.clock.now()
        with self.db.session() as session:
            due = session.scalars(
                select(PublicatieRecord.id)
                .where(PublicatieRecord.status == PublicatieStatus.GEP.code, PublicatieRecord.einddatum <= now)
                .order_by(PublicatieRecord.einddatum, PublicatieRecord.id)
            ).all()
        for publicatie_id in due:
            try:
                self.close_window(publicatie_id)
            except IllegalTransition:
                continue  # another gateway process closed it first (several may share one store)
            result.windows_closed.append(publicatie_id)
        result.offers_expired = self.expire_offers()
        return result

    # --- helpers --------------------------------------------------------------------------------------

    def _corporatie(self, corporatie_id: str) -> CorporatieConfig:
        try:
            return self.region.corporatie(corporatie_id)
        except LookupError as error:
            raise FlowError(str(error)) from None

    def _publicatie(self, session: Session, publicatie_id: str, *, lock: bool = False) -> PublicatieRecord:
        record = session.get(PublicatieRecord, publicatie_id, with_for_update=lock or None)
        if record is None:
            raise FlowError(f"no publicatie {publicatie_id}")
        return record

    def _inschrijving(self, session: Session, inschrijving_id: str) -> InschrijvingRecord:
        record = session.get(InschrijvingRecord, inschrijving_id)
        if record is None:
            raise FlowError(f"no inschrijving {inschrijving_id}")
        return record

    def grant_passend_exception(
        self, publicatie_id: str, inschrijving_id: str, soort: PassendheidDetailSoort, *, actor: str, reden: str
    ) -> None:
        """Staff record the region's own passend exception (BIJ, HER, HHV, as `policy.passend_exceptions`
        allows) for one household on one listing, before its window closes; audited with the reason."""
        if soort not in self.region.policy.passend_exceptions:
            allowed = ", ".join(code.code for code in self.region.policy.passend_exceptions) or "none"
            raise FlowError(f"the region allows no passend exception {soort.code} (allowed: {allowed})")
        if not reden.strip():
            raise FlowError("a passend exception needs its reason")
        with self.db.transaction() as session:
            record = self._publicatie(session, publicatie_id)
            if record.status != PublicatieStatus.GEP.code:
                raise FlowError(f"publicatie {publicatie_id} is no longer open: exceptions are recorded before ranking")
            self._inschrijving(session, inschrijving_id)
            self._audit(
                session,
                PASSEND_EXCEPTION_ACTION,
                "publicatie",
                publicatie_id,
                actor=actor,
                keys=_keys(record, inschrijving_id=inschrijving_id),
                detail={"passendheiddetailsoort": soort.code, "reden": reden},
            )

    def _passend_exceptions(self, session: Session, publicatie_id: str) -> dict[str, PassendheidDetailSoort]:
        """The exceptions staff recorded on the listing, by Inschrijving id (the latest counts)."""
        return {
            str(entry.inschrijving_id): PassendheidDetailSoort.from_code(entry.detail["passendheiddetailsoort"])
            for entry in audit.search(session, publicatie_id=publicatie_id, action=PASSEND_EXCEPTION_ACTION)
            if entry.inschrijving_id is not None
        }

    def _free_room(self, session: Session, corporatie: str, year: int) -> FreeRoom:
        policy = self.region.policy
        counts = quotas.shares(session, year, corporatie=corporatie)
        return free_room(counts, passend_share=policy.passend_free_share, daeb_share=policy.daeb_free_share)

    def _room_still_there(self, session: Session, corporatie: str, candidate: KandidaatRecord, now: datetime) -> bool:
        """Whether the free room a candidate was ranked through (if any) is still there now."""
        used = (candidate.eligibility or {}).get("vrije_ruimte") or []
        if not used:
            return True
        room = self._free_room(session, corporatie, allocation_date_of(now).year)
        return ("passend" not in used or room.passend) and ("daeb" not in used or room.daeb)

    def _blocking_sanctie(self, session: Session, inschrijving_id: str, now: datetime) -> Sanctie | None:
        """The blocking Sanctie running on the Inschrijving today, if any (`sanctions.blocking_sanctie`)."""
        sancties = [
            Sanctie.model_validate(document)
            for document in session.scalars(
                select(SanctieRecord.document).where(SanctieRecord.inschrijving_id == inschrijving_id)
            )
        ]
        return blocking_sanctie(
            sancties, inschrijving_id, blocking=self.region.policy.blocking_sanctions, on=allocation_date_of(now)
        )

    def _offer(self, session: Session, aanbieding_id: str, portal: str | None) -> AanbiedingRecord:
        offer = session.get(AanbiedingRecord, aanbieding_id, with_for_update=True)
        foreign = offer is not None and portal is not None
        if offer is None or (foreign and self._inschrijving(session, offer.inschrijving_id).portal != portal):
            raise FlowError(f"no aanbieding {aanbieding_id}")
        return offer

    def _open_offers(
        self, session: Session, *, publicatie_id: str | None = None, inschrijving_id: str | None = None
    ) -> Sequence[AanbiedingRecord]:
        query = select(AanbiedingRecord).where(AanbiedingRecord.status == AanbiedingStatus.AAN.code)
        if publicatie_id is not None:
            query = query.where(AanbiedingRecord.publicatie_id == publicatie_id)
        if inschrijving_id is not None:
            query = query.where(AanbiedingRecord.inschrijving_id == inschrijving_id)
        return session.scalars(query.order_by(AanbiedingRecord.id)).all()

    def _close_offer(
        self,
        session: Session,
        offer: AanbiedingRecord,
        status: AanbiedingStatus,
        reason: AanbiedingDetailStatus | None,
        now: datetime,
    ) -> None:
        """Move an open offer to TOE/GEW/ING and its candidate along with it."""
        aanbieding = Aanbieding.model_validate(offer.document)
        require(AANBIEDING, "aanbieding", offer.id, aanbieding.status, status)
        aanbieding = aanbieding.model_copy(update={"status": status, "detail_status": reason})
        offer.status, offer.detail_status = status.code, reason.code if reason else None
        offer.document, offer.updated_at = aanbieding.model_dump(mode="json"), now
        if status is not AanbiedingStatus.TOE:
            candidate = session.get(KandidaatRecord, offer.kandidaat_id)
            assert candidate is not None
            detail = KandidaatDetailStatus.NRE if reason is AanbiedingDetailStatus.REA else KandidaatDetailStatus.WEI
            self._set_kandidaat(
                candidate, Kandidaat.model_validate(candidate.document), now, status=KandidaatStatus.GEW, detail=detail
            )
        self._audit(
            session,
            f"aanbieding.{status.code.lower()}",
            "aanbieding",
            offer.id,
            keys=AuditKeys(publicatie_id=offer.publicatie_id, inschrijving_id=offer.inschrijving_id),
            detail={"detail_status": reason.code if reason else None},
        )

    @staticmethod
    def _set_kandidaat(
        record: KandidaatRecord,
        kandidaat: Kandidaat,
        now: datetime,
        *,
        status: KandidaatStatus,
        detail: KandidaatDetailStatus | None = None,
        afwijzing: list[str] | None = None,
        eligibility: dict[str, Any] | None = None,
    ) -> None:
        require(KANDIDAAT, "kandidaat", record.id, KandidaatStatus.from_code(record.status), status)
        updated = kandidaat.model_copy(update={"status": status, "detail_status": detail})
        record.status, record.positie = status.code, updated.positie
        record.document, record.updated_at = updated.model_dump(mode="json"), now
        if afwijzing is not None:
            record.afwijzing = afwijzing
        if eligibility is not None:
            record.eligibility = eligibility

    @staticmethod
    def _set_publicatie_status(
        record: PublicatieRecord, publicatie: Publicatie, status: PublicatieStatus, now: datetime
    ) -> Publicatie:
        require(PUBLICATIE, "publicatie", record.id, publicatie.status, status)
        updated = publicatie.model_copy(update={"status": status})
        record.status, record.document, record.updated_at = status.code, updated.model_dump(mode="json"), now
        return updated

    def _send(self, session: Session, message: Message, corporatie_id: str) -> None:
        """Queue `message` for the corporation's system, when its adapter can carry that type."""
        corporatie = self._corporatie(corporatie_id)
        if message.type in self._capabilities(corporatie.adapter).encodes:
            enqueue(session, message, Destination(corporatie.id, corporatie.adapter), clock=self.clock)

    def _audit(
        self,
        session: Session,
        action: str,
        entity: str,
        entity_id: str,
        *,
        actor: str = "woonbrug",
        keys: AuditKeys | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        if keys is None:
            keys = AuditKeys(**{f"{entity}_id": entity_id}) if entity in {"publicatie", "inschrijving"} else None
        audit.record(
            session,
            at=self.clock.now(),
            actor=actor,
            action=action,
            entity_type=entity,
            entity_id=entity_id,
            keys=keys,
            detail=detail or {},
        )
