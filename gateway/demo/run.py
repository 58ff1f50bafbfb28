"""The demo run: a few weeks of regional allocation in simulated time, through the real adapters and
simulated vendor systems, on a fresh SQLite database.

Day 0: each corporation reports its vacancies the way its system does (corp-a: VERA `eenheden` the
gateway polls; corp-b: SOAP GetChangesSince; corp-c: a CSV file in its drop folder); the gateway
publishes them. The portal registers the seekers, and each responds to a handful of listings. Then, day
by day: windows close, candidates are ranked and offered the home; each offered candidate accepts,
refuses with a VERA reason, or lets the deadline pass; allocations go back to the owners' systems
through the outbox; signed leases come back (corp-b's ERP signs by itself, corp-a enters them in its VERA
API, corp-c reports them as a message) and close the listings.

Every choice a seeker makes comes from one seeded random generator: the same seed, the same demo.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from gateway.core.clock import SimulatedClock
from gateway.demo.population import seekers, vacancies
from gateway.demo.world import DEMO_SEED, DEMO_START, DemoWorld, demo_world
from gateway.flow import quotas
from gateway.flow.publication import gemeente_of, rekenhuur_of
from gateway.flow.records import (
    AanbiedingRecord,
    InschrijvingRecord,
    KandidaatRecord,
    OvereenkomstRecord,
    PublicatieRecord,
    ToewijzingRecord,
)
from gateway.flow.sanctions import REFUSAL_REASONS
from gateway.flow.service import FlowError
from gateway.flow.transitions import IllegalTransition
from gateway.inbound.ownership import Channel, Via
from gateway.store.models import OutboxMessage
from schemas import (
    AanbiedingStatus,
    Eenheidadres,
    EenheidVrijgekomen,
    MessageSource,
    OvereenkomstGetekend,
    PublicatieStatus,
    Toewijzing,
)

__all__ = ["DemoOptions", "run_demo"]

PORTAL = "portal-rijnwaal"
_REFUSALS = sorted(REFUSAL_REASONS, key=lambda reason: reason.code)


@dataclass(frozen=True)
class DemoOptions:
    seekers: int = 300
    listings_per_corporatie: int = 12
    responses_per_seeker: tuple[int, int] = (2, 8)
    accept: float = 0.55  # chance an offered candidate accepts ...
    refuse: float = 0.30  # ... refuses; otherwise the deadline passes
    days: int = 60
    seed: int = DEMO_SEED


async def run_demo(
    workdir: Path, options: DemoOptions | None = None, *, progress: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Run the demo region end to end in `workdir` and return its summary; `progress` hears each step."""
    options = options or DemoOptions()
    clock = SimulatedClock(DEMO_START)
    with demo_world(workdir, clock=clock, seed=options.seed) as world:
        try:
            return await _run(world, clock, options, progress=progress)
        finally:
            await world.resolver.aclose()


async def _run(
    world: DemoWorld, clock: SimulatedClock, options: DemoOptions, *, progress: Callable[[str], None] | None = None
) -> dict[str, Any]:
    say = progress or (lambda _text: None)
    rng = random.Random(options.seed)  # noqa: S311 - demo behaviour, not security
    _report_vacancies(world, options)
    world.flow.register_many(seekers(options.seekers, seed=options.seed, today=DEMO_START.date()), portal=PORTAL)
    say(f"{options.seekers} woningzoekenden ingeschreven")
    intake = await world.intake.poll_all()
    say(f"{intake.received} vrijgekomen eenheden ontvangen (VERA, SOAP, CSV) en gepubliceerd")
    _respond(world, rng, options)
    say("reacties ontvangen")

    decided: set[str] = set()
    for day in range(1, options.days + 1):
        clock.advance(timedelta(days=1).total_seconds())
        ticked = world.flow.tick()
        if ticked.windows_closed or ticked.offers_expired:
            say(
                f"dag {day}: {len(ticked.windows_closed)} reactietermijnen gesloten, "
                f"{len(ticked.offers_expired)} aanbiedingen verlopen"
            )
        _decide_offers(world, rng, options, decided)
        await world.dispatcher.drain()
        _sign_leases(world)
        await world.intake.poll_all()
        if _all_done(world):
            break
    await world.dispatcher.drain()
    return summary(world)


# --- day 0 ----------------------------------------------------------------------------------------------


def _report_vacancies(world: DemoWorld, options: DemoOptions) -> None:
    """Each corporation's system reports its vacancies in its own format."""
    count = options.listings_per_corporatie
    # corp-a: records in its VERA API, which the gateway polls (`eenheden`).
    vera_adapter = world.resolver.for_corporatie(world.region.corporatie("corp-a"))
    corp_a = vacancies("corp-a", "vera", [("GM0202", "Arnhem"), ("GM0274", "Renkum")], count, seed=options.seed + 1)
    world.vera.preload("eenheden", [_json(vera_adapter.encode(message).body) for message in corp_a])
    # corp-b: its ERP lists the units as vacated changes (GetChangesSince).
    for message in vacancies("corp-b", "soap_erp", [("GM0268", "Nijmegen")], count, seed=options.seed + 2):
        world.erp.add_unit(_erp_unit(message))
    # corp-c: a CSV export of vacancies dropped in its inbox.
    corp_c = vacancies("corp-c", "csv", [("GM0202", "Arnhem")], count, seed=options.seed + 3)
    (world.drop_folder / "inbox").mkdir(parents=True, exist_ok=True)
    (world.drop_folder / "inbox" / "vrijgekomen-2026-03-02.csv").write_bytes(_vacancy_csv(corp_c))


def _respond(world: DemoWorld, rng: random.Random, options: DemoOptions) -> None:
    with world.db.session() as session:
        open_listings = list(
            session.scalars(select(PublicatieRecord.id).where(PublicatieRecord.status == PublicatieStatus.GEP.code))
        )
        registrations = list(session.scalars(select(InschrijvingRecord.id).order_by(InschrijvingRecord.id)))
    low, high = options.responses_per_seeker
    for inschrijving_id in registrations:
        for publicatie_id in rng.sample(open_listings, min(len(open_listings), rng.randint(low, high))):
            world.flow.respond(publicatie_id, inschrijving_id, portal=PORTAL)


# --- day by day -----------------------------------------------------------------------------------------


def _decide_offers(world: DemoWorld, rng: random.Random, options: DemoOptions, decided: set[str]) -> None:
    """Every open offer is answered (or left to expire) once, as its seeker decides."""
    with world.db.session() as session:
        open_offers = list(
            session.scalars(
                select(AanbiedingRecord.id).where(AanbiedingRecord.status == "AAN").order_by(AanbiedingRecord.id)
            )
        )
    for aanbieding_id in open_offers:
        if aanbieding_id in decided:
            continue
        decided.add(aanbieding_id)
        roll = rng.random()
        try:
            if roll < options.accept:
                world.flow.accept(aanbieding_id, portal=PORTAL)
            elif roll < options.accept + options.refuse:
                world.flow.refuse(aanbieding_id, rng.choice(_REFUSALS), portal=PORTAL)
        except (FlowError, IllegalTransition):
            continue  # the offer was withdrawn meanwhile (the household accepted another home)


def _sign_leases(world: DemoWorld) -> None:
    """corp-a enters signed leases in its VERA API; corp-c reports them as messages. (corp-b's ERP signs
    by itself and the gateway reads the lease with GetChangesSince.)"""
    with world.db.session() as session:
        unsigned = session.scalars(
            select(ToewijzingRecord)
            .outerjoin(OvereenkomstRecord, OvereenkomstRecord.toewijzing_id == ToewijzingRecord.id)
            .where(OvereenkomstRecord.id.is_(None), ToewijzingRecord.corporatie.in_(("corp-a", "corp-c")))
            .order_by(ToewijzingRecord.id)
        ).all()
        delivered = set(
            session.scalars(
                select(OutboxMessage.business_key).where(
                    OutboxMessage.type == "toewijzing.gedaan", OutboxMessage.status == "delivered"
                )
            )
        )
    vera_adapter = world.resolver.for_corporatie(world.region.corporatie("corp-a"))
    for record in unsigned:
        if record.publicatie_id not in delivered:
            continue  # the owner has not received the allocation yet (business key: the publicatie)
        message = _lease(Toewijzing.model_validate(record.document), record.corporatie)
        if record.corporatie == "corp-a":
            if not any(body.get("id") == message.payload.id for body in world.vera.records("overeenkomsten")):
                world.vera.preload("overeenkomsten", [_json(vera_adapter.encode(message).body)])
        else:  # corp-c's system sends the contract to the API: the same inbound pipeline
            world.intake.pipeline.take(Channel(record.corporatie, Via.API), [message], adapter="demo")
    world.intake.apply_pending()


def _lease(toewijzing: Toewijzing, corporatie: str) -> OvereenkomstGetekend:
    return OvereenkomstGetekend.model_validate(
        {
            "messageId": f"{corporatie}-ovk-{toewijzing.id}",
            "correlationId": f"{corporatie}-ovk-{toewijzing.id}",
            "source": MessageSource(tenant=corporatie, system="demo"),
            "payload": {
                "id": f"OVK-{toewijzing.id}",
                "idOrganisatie": corporatie,
                "soort": {"code": "HUU"},
                "status": {"code": "LOP"},
                "begindatum": (toewijzing.datum + timedelta(days=14)).date().isoformat(),
                "eenheid": toewijzing.eenheid.model_dump(),
                "toewijzing": {"id": toewijzing.id},
                "inschrijving": toewijzing.inschrijving.model_dump(),
                "huurprijs": toewijzing.rekenhuur,
            },
        }
    )


def _all_done(world: DemoWorld) -> bool:
    with world.db.session() as session:
        open_listings = select(func.count()).where(PublicatieRecord.status == PublicatieStatus.GEP.code)
        open_offers = select(func.count()).where(AanbiedingRecord.status == AanbiedingStatus.AAN.code)
        busy = session.scalar(open_listings) or session.scalar(open_offers)
        waiting = session.scalar(
            select(func.count())
            .select_from(ToewijzingRecord)
            .outerjoin(OvereenkomstRecord, OvereenkomstRecord.toewijzing_id == ToewijzingRecord.id)
            .where(OvereenkomstRecord.id.is_(None))
        )
    return not busy and not waiting


# --- the summary ----------------------------------------------------------------------------------------


def summary(world: DemoWorld) -> dict[str, Any]:
    """Counts over the demo database and the simulators (what each owner's system received)."""
    with world.db.session() as session:

        def count(model: Any, *where: Any) -> int:
            return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

        region_shares = quotas.shares(session, DEMO_START.year)
        out: dict[str, Any] = {
            "listings": count(PublicatieRecord),
            "listings_by_model": dict(
                session.execute(select(PublicatieRecord.model, func.count()).group_by(PublicatieRecord.model)).all()
            ),
            "registrations": count(InschrijvingRecord),
            "responses": count(KandidaatRecord),
            "offers": count(AanbiedingRecord),
            "refusals": count(AanbiedingRecord, AanbiedingRecord.status == "GEW"),
            "expired_offers": count(AanbiedingRecord, AanbiedingRecord.detail_status == "REA"),
            "allocations": count(ToewijzingRecord),
            "contracts": count(OvereenkomstRecord),
            "listings_closed": count(PublicatieRecord, PublicatieRecord.status == "AFG"),
            "delivered": count(OutboxMessage, OutboxMessage.status == "delivered"),
            "dead_letters": count(OutboxMessage, OutboxMessage.status == "dead"),
            "pending": count(OutboxMessage, OutboxMessage.status.in_(("pending", "in_flight"))),
            "passend_share": _ratio(region_shares.passend_share),
            "daeb_share": _ratio(region_shares.daeb_share),
            "binding_share": _ratio(region_shares.binding_share),
        }
    out["received_by_owner_systems"] = {
        "corp-a (vera)": len(world.vera.records("toewijzingen")),
        "corp-b (soap_erp)": len(world.erp.allocations()),
        "corp-c (csv)": len(list((world.drop_folder / "outbox").glob("toewijzing*.csv"))),
    }
    return out


def _ratio(value: Decimal | None) -> float | None:
    return None if value is None else round(float(value), 4)


# --- vendor formats for the vacancies ----------------------------------------------------------------------


def _json(body: bytes) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(body)
    return data


def _erp_unit(message: EenheidVrijgekomen) -> dict[str, str | None]:
    """A vacancy as the Woonstee ERP keeps it (element name -> text)."""
    eenheid = message.payload.eenheid
    adres, gemeente = eenheid.adres or Eenheidadres(), gemeente_of(eenheid)  # the demo's units are complete
    binding = next((c.detailsoort.code for c in eenheid.criteria if c.detailsoort is not None), None)
    return {
        "EenheidNummer": eenheid.id,
        "CorporatieCode": eenheid.id_organisatie,
        "EenheidSoort": "WOO",
        "DetailSoort": None,
        "Straat": adres.straatnaam,
        "Huisnummer": adres.huisnummer,
        "Huisletter": None,
        "Toevoeging": None,
        "Postcode": (adres.postcode or "").replace(" ", ""),
        "Plaats": adres.woonplaats.naam if adres.woonplaats else None,
        "WoonplaatsCode": None,
        "GemeenteCode": gemeente.code,
        "GemeenteNaam": gemeente.naam,
        "Kamers": str(eenheid.kamers_aantal),
        "Oppervlakte": None,
        "Verdieping": None,
        "Lift": None,
        "KaleHuur": f"{eenheid.kale_huur:.2f}",
        "Servicekosten": f"{eenheid.servicekosten:.2f}" if eenheid.servicekosten else None,
        "Rekenhuur": f"{rekenhuur_of(eenheid):.2f}",
        "Daeb": "true" if eenheid.is_daeb else "false",
        "Energielabel": None,
        "Doelgroep": None,
        "MinPersonen": str(eenheid.voorwaarden.minimum_aantal_personen or 1),
        "MaxPersonen": str(eenheid.voorwaarden.maximum_aantal_personen or (eenheid.kamers_aantal or 1) + 2),
        "MinLeeftijd": None,
        "MaxLeeftijd": None,
        "MinInkomen": None,
        "MaxInkomen": None,
        "Binding": binding,
        "BeschikbaarPer": (message.payload.beschikbaar_per or message.occurred_at.date()).isoformat(),
        "Toewijzingsmodel": message.payload.gewenst_model.code if message.payload.gewenst_model else "AAN",
        "VrijgemeldOp": DEMO_START.isoformat().replace("+00:00", "Z"),
    }


def _vacancy_csv(messages: list[EenheidVrijgekomen]) -> bytes:
    """Vacancies as corp-c's system exports them (the `eenheden` mapping: `;`, decimal comma, d-m-yyyy)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [
            "Eenheidnummer",
            "Corporatie",
            "Soort",
            "Straat",
            "Huisnummer",
            "Postcode",
            "Plaats",
            "Gemeentecode",
            "Kamers",
            "Kale huur",
            "Servicekosten",
            "Rekenhuur",
            "DAEB",
            "Beschikbaar per",
            "Verdeelmodel",
        ]
    )
    for message in messages:
        eenheid = message.payload.eenheid
        adres = eenheid.adres or Eenheidadres()
        model = message.payload.gewenst_model.code if message.payload.gewenst_model else "AAN"
        writer.writerow(
            [
                eenheid.id,
                eenheid.id_organisatie,
                "Woning",
                adres.straatnaam,
                adres.huisnummer,
                adres.postcode,
                adres.woonplaats.naam if adres.woonplaats else None,
                gemeente_of(eenheid).code,
                eenheid.kamers_aantal,
                _comma(eenheid.kale_huur),
                _comma(eenheid.servicekosten),
                _comma(rekenhuur_of(eenheid)),
                "ja" if eenheid.is_daeb else "nee",
                (message.payload.beschikbaar_per or message.occurred_at.date()).strftime("%-d-%-m-%Y"),
                _CSV_MODELS[model],
            ]
        )
    return out.getvalue().encode("utf-8")


_CSV_MODELS = {"AAN": "Aanbod", "LOT": "Loting", "EER": "Eerste reageerder"}


def _comma(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")
