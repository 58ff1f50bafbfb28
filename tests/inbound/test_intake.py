"""The intake through the one inbound pipeline, against the shipped simulators (VERA REST on loopback,
the SOAP ERP on loopback, a CSV drop folder): a cross-corporation record, a crashing adapter, a second
contract and a record rejected before each leave the rest of the region flowing."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from adapters.vera import mapping as vera_mapping
from gateway.core.clock import SimulatedClock
from gateway.demo import run as demo_run
from gateway.demo.population import seekers, vacancies
from gateway.demo.world import DEMO_START, DemoWorld, demo_world
from gateway.flow.records import EenheidRecord, IntakeCursor, OvereenkomstRecord, PublicatieRecord
from gateway.inbound import health, rejections
from gateway.inbound.intake import IntakeResult
from gateway.inbound.records import InboundRejection
from gateway.store import audit
from gateway.store.models import AuditEntry
from schemas import Toewijzing

PORTAL = "portal-rijnwaal"


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """One event loop per test: the adapters' HTTP clients belong to the loop that first used them."""
    running = asyncio.new_event_loop()
    asyncio.set_event_loop(running)
    yield running
    asyncio.set_event_loop(None)
    running.close()


@pytest.fixture
def world(tmp_path: Path, loop: asyncio.AbstractEventLoop) -> Iterator[DemoWorld]:
    with demo_world(tmp_path / "world", clock=SimulatedClock(DEMO_START)) as started:
        try:
            yield started
        finally:
            loop.run_until_complete(started.resolver.aclose())


def poll(world: DemoWorld, corporatie: str | None = None) -> IntakeResult:
    """One poll of one corporation (or of all), on the test's loop."""
    loop = asyncio.get_event_loop_policy().get_event_loop()
    if corporatie is None:
        return loop.run_until_complete(world.intake.poll_all())
    return loop.run_until_complete(world.intake.poll(world.region.corporatie(corporatie)))


def drop_csv(world: DemoWorld, name: str, body: bytes) -> None:
    inbox = world.drop_folder / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / name).write_bytes(body)


def published_units(world: DemoWorld) -> dict[str, str]:
    with world.db.session() as session:
        return dict(session.execute(select(EenheidRecord.id, EenheidRecord.corporatie)).all())


def actions(world: DemoWorld, action: str) -> list[AuditEntry]:
    with world.db.session() as session:
        return list(audit.search(session, action=action))


def stored_rejections(world: DemoWorld) -> list[InboundRejection]:
    with world.db.session() as session:
        return list(rejections.recent(session))


def test_a_csv_row_naming_another_corporation_is_refused_and_the_rest_is_published(world: DemoWorld) -> None:
    own = vacancies("corp-c", "csv", [("GM0202", "Arnhem")], 2, seed=1)
    # A row naming corp-b, in a gemeente corp-b lets in: only the ownership check can refuse it.
    foreign = vacancies("corp-b", "csv", [("GM0268", "Nijmegen")], 1, seed=2, first=90)
    drop_csv(world, "vrijgekomen.csv", demo_run._vacancy_csv([*own, *foreign]))

    result = poll(world, "corp-c")

    assert (result.received, result.not_owner) == (2, 1)
    units = published_units(world)
    assert units == {"CORP-C-E0001": "corp-c", "CORP-C-E0002": "corp-c"}
    refused = actions(world, "inbound.not_owner")
    assert [(entry.actor, entry.detail["claimed_tenant"], entry.detail["pointer"]) for entry in refused] == [
        ("corp-c", "corp-c", "/payload/eenheid/idOrganisatie")
    ]
    [kept] = stored_rejections(world)
    assert (kept.corporatie, kept.channel, kept.kind, kept.location) == (
        "corp-c",
        "poll",
        "ownership",
        "/payload/eenheid/idOrganisatie",
    )


def test_a_vacancy_for_another_corporations_unit_does_not_take_it_over(world: DemoWorld) -> None:
    """corp-c reports a unit id that corp-b already published: refused, the unit stays corp-b's."""
    corp_b = vacancies("corp-b", "soap_erp", [("GM0268", "Nijmegen")], 1, seed=3)
    world.erp.add_unit(demo_run._erp_unit(corp_b[0]))
    poll(world, "corp-b")
    taken = corp_b[0].payload.eenheid
    stolen = vacancies("corp-c", "csv", [("GM0202", "Arnhem")], 1, seed=4)[0]
    stolen_unit = stolen.payload.eenheid.model_copy(update={"id": taken.id})
    stolen = stolen.model_copy(update={"payload": stolen.payload.model_copy(update={"eenheid": stolen_unit})})
    drop_csv(world, "vrijgekomen.csv", demo_run._vacancy_csv([stolen]))

    result = poll(world, "corp-c")

    assert result.not_owner == 1
    assert published_units(world) == {taken.id: "corp-b"}
    [kept] = stored_rejections(world)
    assert kept.location == "/payload/eenheid/id"
    assert kept.reason == f"eenheid {taken.id} is not a unit of corp-c"


def test_units_that_are_no_vacancy_are_skipped_and_counted_not_published(world: DemoWorld) -> None:
    """A corporation's own /eenheden records: only EENHEIDSTATUS LEE becomes a listing; the rest is counted."""
    units = []
    for message, status in zip(
        vacancies("corp-a", "vera", [("GM0202", "Arnhem")], 2, seed=5), ("LEE", "VEH"), strict=True
    ):
        body = vera_mapping.encode(message).body
        assert isinstance(body, dict)
        own = [e for e in body["extra-attributen"] if not e["naam"].startswith(vera_mapping.ENVELOPE_PREFIX)]
        units.append({**body, "extra-attributen": own, "status": {"code": status}})
    world.vera.preload("eenheden", units)

    result = poll(world, "corp-a")

    assert (result.received, result.skipped, result.rejected) == (1, 1, 0)
    assert set(published_units(world)) == {units[0]["id"]}


def test_a_crashing_adapter_marks_its_corporation_unhealthy_and_the_others_are_polled(world: DemoWorld) -> None:
    corp_a = vacancies("corp-a", "vera", [("GM0202", "Arnhem")], 1, seed=5)
    vera = world.resolver.for_corporatie(world.region.corporatie("corp-a"))
    world.vera.preload("eenheden", [demo_run._json(vera.encode(message).body) for message in corp_a])
    corp_b = vacancies("corp-b", "soap_erp", [("GM0268", "Nijmegen")], 1, seed=6)
    world.erp.add_unit(demo_run._erp_unit(corp_b[0]))
    # corp-c's drop folder is a file now: the CSV adapter raises NotADirectoryError, not an AdapterError.
    shutil.rmtree(world.drop_folder)
    world.drop_folder.write_text("not a folder", encoding="utf-8")

    result = poll(world)

    assert sorted(published_units(world).values()) == ["corp-a", "corp-b"]
    assert len(result.errors) == 1
    assert result.errors[0].startswith("corp-c: ")
    with world.db.session() as session:
        states = {(row.corporatie, row.healthy, row.reason) for row in health.all_health(session)}
    assert ("corp-c", False, "the adapter failed (NotADirectoryError)") in states
    assert ("corp-a", True, None) in states
    assert ("corp-b", True, None) in states

    world.drop_folder.unlink()  # repaired: the next poll makes corp-c healthy again
    world.drop_folder.mkdir()
    poll(world)
    with world.db.session() as session:
        assert all(row.healthy for row in health.all_health(session))


def test_a_rejected_record_and_an_unchanged_unit_seen_again_are_not_reported_again(world: DemoWorld) -> None:
    good = vacancies("corp-c", "csv", [("GM0202", "Arnhem")], 1, seed=7)
    bad_row = "CORP-C-E0099;corp-c;Woning;Straat;1;0000 XX;Arnhem;GM0202;2;500,00;0,00;500,00;ja;1-4-2026;Aanbod\r\n"
    body = demo_run._vacancy_csv(good) + bad_row.encode()  # postcode 0000 XX does not exist
    drop_csv(world, "vrijgekomen.csv", body)

    first = poll(world, "corp-c")
    with world.db.transaction() as session:  # a vendor that offers everything again on every poll
        session.execute(delete(IntakeCursor))
    again = poll(world, "corp-c")

    assert (first.received, first.rejected) == (1, 1)
    assert (again.received, again.unchanged, again.rejected) == (0, 1, 1)
    assert len(actions(world, "intake.rejected")) == 1  # audited once
    assert len(actions(world, "inbox.duplicate")) == 0  # the unchanged unit left no trace
    [kept] = stored_rejections(world)
    assert (kept.kind, kept.seen) == ("mapping", 2)
    assert kept.location == "row 2, column 'Postcode', line 3, field eenheid.adres.postcode"


def _allocate_one(world: DemoWorld, clock: SimulatedClock) -> Toewijzing:
    """A corp-a unit published, responded to, ranked and accepted: one allocation to sign."""
    [message] = vacancies("corp-a", "vera", [("GM0202", "Arnhem")], 1, seed=8)
    publicatie = world.flow.publish_vacancy(message)
    world.flow.register_many(seekers(3, seed=9, today=DEMO_START.date()), portal=PORTAL)
    with world.db.session() as session:
        from gateway.flow.records import InschrijvingRecord

        registrations = list(session.scalars(select(InschrijvingRecord.id)))
    for inschrijving_id in registrations:
        world.flow.respond(publicatie.id, inschrijving_id, portal=PORTAL)
    clock.advance(timedelta(days=8).total_seconds())
    world.flow.tick()
    with world.db.session() as session:
        [offer] = world.flow._open_offers(session, publicatie_id=publicatie.id)
        offer_id = offer.id
    toewijzing, _warnings = world.flow.accept(offer_id, portal=PORTAL)
    return toewijzing


def test_a_second_contract_for_one_allocation_is_one_rejection_and_the_region_goes_on(world: DemoWorld) -> None:
    assert isinstance(world.clock, SimulatedClock)
    toewijzing = _allocate_one(world, world.clock)
    vera = world.resolver.for_corporatie(world.region.corporatie("corp-a"))
    first = demo_run._lease(toewijzing, "corp-a")
    second = first.model_copy(
        update={"message_id": "corp-a-ovk-2", "payload": first.payload.model_copy(update={"id": "OVK-SECOND"})}
    )
    world.vera.preload("overeenkomsten", [demo_run._json(vera.encode(m).body) for m in (first, second)])
    corp_b = vacancies("corp-b", "soap_erp", [("GM0268", "Nijmegen")], 1, seed=10)
    world.erp.add_unit(demo_run._erp_unit(corp_b[0]))

    result = poll(world)

    assert result.refused_by_flow == 1
    with world.db.session() as session:
        assert session.scalar(select(func.count()).select_from(OvereenkomstRecord)) == 1
        assert session.scalar(select(func.count()).where(PublicatieRecord.corporatie == "corp-b")) == 1
    [refusal] = actions(world, "inbox.refused")
    assert refusal.actor == "corp-a"
    assert "already has a signed overeenkomst" in refusal.detail["reason"]
    [kept] = stored_rejections(world)
    assert (kept.kind, kept.message_type) == ("flow", "overeenkomst.getekend")


def test_woonbrug_inbound_shows_the_failing_corporation_and_the_refusals(world: DemoWorld) -> None:
    from click.testing import CliRunner

    from gateway.cli import main

    foreign = vacancies("corp-b", "csv", [("GM0268", "Nijmegen")], 1, seed=11, first=91)
    drop_csv(world, "vrijgekomen.csv", demo_run._vacancy_csv(foreign))
    poll(world, "corp-c")
    shutil.rmtree(world.drop_folder)
    world.drop_folder.write_text("not a folder", encoding="utf-8")
    poll(world, "corp-c")
    env = {"WOONBRUG_DATABASE_URL": str(world.db.url.render_as_string(hide_password=False))}

    health_run = CliRunner().invoke(main, ["inbound", "health"], env=env, catch_exceptions=False)
    assert health_run.exit_code == 1
    assert "corp-c/csv" in health_run.output
    assert "FAILING since" in health_run.output
    assert "NotADirectoryError" in health_run.output
    listed = CliRunner().invoke(main, ["inbound", "rejections", "--json"], env=env, catch_exceptions=False)
    assert listed.exit_code == 0
    [row] = json.loads(listed.output)
    assert (row["corporatie"], row["kind"], row["location"]) == (
        "corp-c",
        "ownership",
        "/payload/eenheid/idOrganisatie",
    )
