"""The dashboard tests' world: one small demo region run once per session, served for real.

- `site`: the demo (80 seekers, 4 listings per corporation) in a temporary folder with its simulated
  vendor systems still running; then two new corp-a vacancies whose publication the VERA simulator
  refuses with 400, so two dead letters exist; one API key per tenant; and the gateway (API and
  dashboard) served by uvicorn on a free loopback port.
- `browser`: Debian's Chromium driven by Playwright (one for the browser tests). Without /usr/bin/chromium the
  browser tests skip, unless WOONBRUG_REQUIRE_BROWSER=1 (CI), where that is a failure.
- `sign_in(tenant)`: a fresh browser context signed in through the login form, which records every
  console error and page error.

Asynchronous work (the demo, deliveries) runs in a helper thread with its own event loop, so it never
meets the event loop Playwright keeps in the test thread.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from adapters.sdk.simulator import SimulatorServer
from gateway.api.settings import ApiSettings
from gateway.core.clock import SimulatedClock
from gateway.delivery import inbox
from gateway.delivery.dispatch import Dispatcher
from gateway.demo import run as demo_run
from gateway.demo.population import vacancies
from gateway.demo.run import DemoOptions
from gateway.demo.world import DEMO_START, DemoWorld, demo_world
from gateway.region import RegionResolver
from gateway.server import create_gateway_app
from gateway.store.models import OutboxMessage
from gateway.tenants.service import Role, create_key
from gateway.web.settings import WebSettings
from tests.conftest import REPO, require_or_skip

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO / ".ci" / "artifacts" / "screenshots"
OPTIONS = DemoOptions(seekers=80, listings_per_corporatie=4, seed=7)
ADMIN, MUNICIPALITY = "regiobeheer", "GM0202"
TENANTS = {
    ADMIN: Role.ADMIN,
    "corp-a": Role.CORPORATION,
    "corp-b": Role.CORPORATION,
    "corp-c": Role.CORPORATION,
    MUNICIPALITY: Role.MUNICIPALITY,
    "portal-rijnwaal": Role.PORTAL,
}


def run_async(factory: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """Run a coroutine to its end in a thread of its own (a fresh event loop) and return its result."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(factory())
        except BaseException as error:  # handed to the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=target, name="web-tests-async")
    thread.start()
    thread.join(timeout=300)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def deliver(world: DemoWorld) -> int:
    """Deliver what is due now, through fresh adapters (the demo closed its own), as a worker would."""

    async def go() -> int:
        resolver = RegionResolver(world.region, registry=world.registry, overrides=world.resolver.overrides)
        dispatcher = Dispatcher(world.db, resolver, clock=world.clock, worker_id="web-tests")
        try:
            return await dispatcher.drain()
        finally:
            await dispatcher.aclose()
            await resolver.aclose()

    claimed: int = run_async(go)
    return claimed


@dataclass
class Site:
    url: str
    world: DemoWorld
    keys: dict[str, str]
    dead: list[int]
    dead_publicaties: list[str]
    summary: dict[str, Any]
    extras: dict[str, Any] = field(default_factory=dict)

    def publicaties_of(self, corporatie: str) -> list[str]:
        from gateway.flow.records import PublicatieRecord

        with self.world.db.session() as session:
            query = select(PublicatieRecord.id).where(PublicatieRecord.corporatie == corporatie)
            return list(session.scalars(query.order_by(PublicatieRecord.id)))

    def outbox(self, outbox_id: int) -> OutboxMessage:
        with self.world.db.session() as session:
            row = session.get(OutboxMessage, outbox_id)
            assert row is not None
            session.expunge(row)
            return row


def _publish_refused(world: DemoWorld, count: int) -> tuple[list[int], list[str]]:
    """New corp-a vacancies, published by the flow; the VERA simulator refuses their publication (400)."""
    with world.db.session() as session:
        before = set(session.scalars(select(OutboxMessage.id)))
    for message in vacancies("corp-a", "vera", [("GM0202", "Arnhem")], count, seed=99, first=900):
        with world.db.transaction() as session:
            inbox.receive(session, message, clock=world.clock, actor="corp-a")
    world.intake.apply_pending()
    world.vera.faults.fail_next("bad_request", count)
    deliver(world)
    world.vera.faults.clear()
    with world.db.session() as session:
        rows = session.execute(
            select(OutboxMessage.id, OutboxMessage.business_key, OutboxMessage.status)
            .where(OutboxMessage.id.not_in(before))
            .order_by(OutboxMessage.id)
        ).all()
    assert [status for _id, _key, status in rows] == ["dead"] * count, rows
    return [row_id for row_id, _key, _status in rows], [str(key) for _id, key, _status in rows]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    workdir = tmp_path_factory.mktemp("web-demo")
    clock = SimulatedClock(DEMO_START)
    with ExitStack() as stack:
        world = stack.enter_context(demo_world(workdir, clock=clock))

        async def run() -> dict[str, Any]:
            try:
                return await demo_run._run(world, clock, OPTIONS)
            finally:
                await world.resolver.aclose()

        summary = run_async(run)
        dead, dead_publicaties = _publish_refused(world, 2)
        with world.db.transaction() as session:
            keys = {
                tenant: create_key(session, tenant=tenant, role=role, now=clock.now()).key
                for tenant, role in TENANTS.items()
            }
        app = create_gateway_app(
            world.db,
            flow=world.flow,
            clock=clock,
            settings=ApiSettings(rate_per_second=10_000, rate_burst=10_000, key_cache_seconds=0, access_log=False),
        )
        assert WebSettings().session_secret is None  # each test session signs with its own secret
        server = stack.enter_context(SimulatorServer(app).running())
        yield Site(server.url, world, keys, dead, dead_publicaties, summary)


# --- the browser ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Module-scoped (all browser tests live in one module): Playwright's sync API keeps an event loop
    in the test thread while it runs, and later asyncio tests of the session must not meet it."""
    if not CHROMIUM.exists():
        require_or_skip(
            "WOONBRUG_REQUIRE_BROWSER",
            f"Chromium not found at {CHROMIUM} (apt-get install -y chromium); the browser tests need it",
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a dev dependency
        require_or_skip("WOONBRUG_REQUIRE_BROWSER", "playwright is not installed (pip install -e '.[dev]')")
        raise
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@dataclass
class Session:
    """A signed-in browser context and what went wrong in it."""

    tenant: str
    page: Any
    errors: list[str]
    base: str

    def goto(self, path: str) -> Any:
        return self.page.goto(self.base + path)

    def shot(self, name: str) -> Path:
        target = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(target), full_page=True)
        return target


@pytest.fixture
def sign_in(site: Site, browser: Any) -> Iterator[Callable[[str], Session]]:
    contexts: list[Any] = []

    def open_as(tenant: str) -> Session:
        context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="nl-NL")
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
        session = Session(tenant, page, errors, site.url)
        session.goto("/dashboard/inloggen")
        page.fill("#sleutel", site.keys[tenant])
        with page.expect_navigation():
            page.click("#inloggen button[type=submit]")
        assert "/inloggen" not in page.url, f"{tenant} could not sign in"
        return session

    yield open_as
    for context in contexts:
        context.close()
