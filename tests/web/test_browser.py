"""The dashboard in a real headless Chromium against a real server filled by the demo.

Every page of every role loads without a console error or page error (a broken script, a resource the
Content-Security-Policy blocks, a 404 for an asset all show up there) and is kept as a screenshot in
.ci/artifacts/screenshots/. A dead letter is replayed by clicking its button and then delivered. A
corporation cannot reach another corporation's pages. Downloads give the same figures as
`woonbrug report`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from gateway.flow.records import InschrijvingRecord, PublicatieRecord
from gateway.reports.figures import compute
from gateway.reports.render import to_csv
from gateway.store.models import OutboxMessage
from schemas import Inschrijving
from schemas.privacy import personal_values
from tests.web.conftest import ADMIN, MUNICIPALITY, Session, Site, deliver

pytestmark = pytest.mark.browser

SignIn = Callable[[str], Session]


def status_of(response: Any) -> int:
    assert response is not None, "no response (the navigation did not reach the server)"
    status: int = response.status
    return status


def unexpected(errors: list[str], *statuses: int) -> list[str]:
    """Console errors other than Chromium's note on a document answered with one of `statuses`
    (the refusals a test provokes on purpose)."""
    expected = tuple(f"the server responded with a status of {status}" for status in statuses)
    return [error for error in errors if not any(text in error for text in expected)]


def _closed_listing(site: Site, corporatie: str) -> tuple[str, str]:
    """A listing of `corporatie` that went the whole way (ranked, offered, allocated): id, correlation id."""
    with site.world.db.session() as session:
        row = session.execute(
            select(PublicatieRecord.id, PublicatieRecord.correlation_id)
            .where(PublicatieRecord.corporatie == corporatie, PublicatieRecord.status == "AFG")
            .order_by(PublicatieRecord.id)
            .limit(1)
        ).one()
    return row[0], row[1]


def _pages(site: Site, tenant: str) -> dict[str, str]:
    if tenant == MUNICIPALITY:
        return {"statistieken": "/dashboard/statistieken", "rapportages": "/dashboard/rapportages"}
    listing, correlation = _closed_listing(site, "corp-a")
    dead = site.outbox(site.dead[-1])
    return {
        "overzicht": "/dashboard/",
        "publicaties": "/dashboard/publicaties",
        "publicatie": f"/dashboard/publicaties/{listing}",
        "spoor-zoeken": "/dashboard/spoor",
        "spoor": f"/dashboard/spoor/{correlation}",
        "spoor-dood-bericht": f"/dashboard/spoor/{dead.correlation_id}",
        "statistieken": "/dashboard/statistieken",
        "rapportages": "/dashboard/rapportages",
    }


@pytest.mark.parametrize(
    ("tenant", "role"), [(ADMIN, "regiobeheer"), ("corp-a", "corporatie"), (MUNICIPALITY, "gemeente")]
)
def test_every_page_loads_without_console_errors(site: Site, sign_in: SignIn, tenant: str, role: str) -> None:
    session = sign_in(tenant)
    visited = []
    for name, path in _pages(site, tenant).items():
        assert status_of(session.goto(path)) == 200, path
        assert session.page.locator("h1").count() == 1, path
        assert "Woonbrug" in session.page.title()
        session.shot(f"{role}-{name}")
        visited.append(path)
    # The menu leads only to pages this role may see, and all of them load.
    for link in session.page.locator("header nav a").all():
        href = link.get_attribute("href")
        assert href is not None
        assert status_of(session.goto(href)) == 200, href
    assert session.errors == [], session.errors
    assert visited


def test_pages_show_explained_ranking_without_personal_data(site: Site, sign_in: SignIn) -> None:
    listing, _correlation = _closed_listing(site, "corp-b")
    session = sign_in("corp-b")
    session.goto(f"/dashboard/publicaties/{listing}")
    rows = session.page.locator("#kandidatenlijst tbody tr")
    assert rows.count() >= 1
    first = rows.first.inner_text()
    assert re.search(r"^1\s+INS-\d{5}", first), first
    assert "Voorrang" in first  # the first criterion the ranking applied, with its explanation
    with site.world.db.session() as session_db:
        personal = set()
        for document in session_db.scalars(select(InschrijvingRecord.document)):
            inschrijving = Inschrijving.model_validate(document)
            aanvrager = inschrijving.aanvrager
            personal.add(f"{aanvrager.voornaam} {aanvrager.achternaam}")
            personal.update(value for value in personal_values(inschrijving) if "@" in value or value.isdigit())
    assert personal
    for path in (f"/dashboard/publicaties/{listing}", "/dashboard/", "/dashboard/publicaties"):
        session.goto(path)
        html = session.page.content()
        leaked = sorted(value for value in personal if value in html)
        assert leaked == [], f"{path} shows personal data"
    assert session.errors == []


def test_replaying_a_dead_letter_from_the_page_gets_it_delivered(site: Site, sign_in: SignIn) -> None:
    dead_id, publicatie_id = site.dead[0], site.dead_publicaties[0]
    assert publicatie_id not in [body["id"] for body in site.world.vera.records("publicaties")]
    session = sign_in(ADMIN)
    page = session.page
    page.on("dialog", lambda dialog: dialog.accept())  # the "are you sure?" of the replay button
    session.goto("/dashboard/")
    row = page.locator(f"#dood-{dead_id}")
    assert "HTTP 400" in row.inner_text()
    row.locator("input[name=reden]").fill("VERA-koppeling hersteld")
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    notice = page.locator("#melding").inner_text()
    assert f"Bericht #{dead_id} staat opnieuw in de wachtrij" in notice

    with site.world.db.session() as db:
        child = db.scalars(select(OutboxMessage).where(OutboxMessage.parent_id == dead_id)).one()
        assert (child.status, child.replayed_by, child.replay_reason) == ("pending", ADMIN, "VERA-koppeling hersteld")
        child_id = child.id
    assert deliver(site.world) >= 1
    assert site.outbox(child_id).status == "delivered"
    assert site.outbox(dead_id).status == "dead"  # the original stays as it was
    assert publicatie_id in [body["id"] for body in site.world.vera.records("publicaties")]

    session.goto("/dashboard/")
    assert page.locator(f"#dood-{dead_id}").count() == 0
    assert "afgeleverd" in page.locator(f"#opnieuw-{child_id}").inner_text()
    session.goto(f"/dashboard/spoor/{site.outbox(dead_id).correlation_id}")
    replayed = page.locator(f"#bericht-{child_id}").inner_text()
    assert f"herhaling 1 van #{dead_id}" in replayed
    assert "afgeleverd" in replayed
    assert "opnieuw verstuurd" in page.locator("#spoor-diagram").inner_html()
    session.shot("regiobeheer-spoor-na-herhaling")
    assert session.errors == []


def test_a_corporation_cannot_reach_another_corporations_pages(site: Site, sign_in: SignIn) -> None:
    own, other = site.publicaties_of("corp-b"), site.publicaties_of("corp-a")
    other_listing, other_correlation = _closed_listing(site, "corp-a")
    session = sign_in("corp-b")
    session.goto("/dashboard/publicaties")
    listed = set(session.page.locator("#publicaties tbody tr td:first-child").all_inner_texts())
    assert listed == set(own)
    assert not listed & set(other)

    for path in (
        f"/dashboard/publicaties/{other_listing}",
        f"/dashboard/spoor/{other_correlation}",
        f"/dashboard/spoor/{site.outbox(site.dead[-1]).correlation_id}",
    ):
        assert status_of(session.goto(path)) == 404, path
        assert other_listing not in session.page.content()
    # Searching for another corporation's listing finds nothing either.
    assert status_of(session.goto(f"/dashboard/spoor?zoek={other_listing}")) == 404
    # The overview lists only its own endpoints and dead letters.
    session.goto("/dashboard/")
    traffic = session.page.locator("#verkeer").inner_text()
    assert "corp-a" not in traffic
    assert "Rijnoever" not in traffic
    assert session.page.locator(f"#dood-{site.dead[-1]}").count() == 0
    # The replay form of another corporation's dead letter is refused, even with a valid token.
    csrf = session.page.locator("header form input[name=csrf]").get_attribute("value")
    answer = session.page.request.post(
        f"{site.url}/dashboard/dode-berichten/{site.dead[-1]}/opnieuw",
        form={"csrf": csrf or "", "reden": "niet van mij"},
        headers={"Origin": site.url},
        max_redirects=0,
    )
    assert answer.status == 404
    assert site.outbox(site.dead[-1]).status == "dead"
    assert unexpected(session.errors, 404) == []


def test_a_municipality_sees_figures_only(site: Site, sign_in: SignIn) -> None:
    session = sign_in(MUNICIPALITY)
    assert session.page.url.endswith("/dashboard/statistieken")
    listing, correlation = _closed_listing(site, "corp-a")
    for path in ("/dashboard/publicaties", f"/dashboard/publicaties/{listing}", f"/dashboard/spoor/{correlation}"):
        assert status_of(session.goto(path)) == 403, path
    labels = session.page.locator("header nav a").all_inner_texts()
    assert labels == ["Statistieken", "Rapportages"]
    assert unexpected(session.errors, 403) == []


def test_report_downloads_are_the_reports_of_woonbrug_report(site: Site, sign_in: SignIn) -> None:
    session = sign_in(ADMIN)
    session.goto("/dashboard/rapportages?jaar=2026&gemeente=GM0202")
    with session.page.expect_download() as csv_download:
        session.page.click("#download-csv")
    downloaded = csv_download.value
    assert downloaded.suggested_filename == "woonbrug-rapport-2026-GM0202.csv"
    with site.world.db.session() as db:
        expected = compute(db, 2026, gemeente="GM0202")
    assert Path(downloaded.path()).read_text(encoding="utf-8") == to_csv(expected)
    with session.page.expect_download() as json_download:
        session.page.click("#download-json")
    data = json.loads(Path(json_download.value.path()).read_text(encoding="utf-8"))
    assert data == json.loads(json.dumps(expected.as_dict()))
    assert data["total"]["lettings"] > 0
    # The page shows the same total.
    assert str(expected.total.lettings) in session.page.locator("#totaal tbody").inner_text()
    assert session.errors == []


def test_signing_out_ends_the_session(site: Site, sign_in: SignIn) -> None:
    session = sign_in("corp-c")
    with session.page.expect_navigation():
        session.page.click("header form button")
    assert "/dashboard/inloggen" in session.page.url
    assert "afgemeld" in session.page.locator("main").inner_text()
    session.goto("/dashboard/publicaties")
    assert "/dashboard/inloggen" in session.page.url  # sent back to the form
    cookies = {cookie["name"]: cookie for cookie in session.page.context.cookies()}
    assert "woonbrug_sessie" not in cookies
    session.page.fill("#sleutel", site.keys["portal-rijnwaal"])  # a portal has no dashboard
    with session.page.expect_navigation():
        session.page.click("#inloggen button[type=submit]")
    assert "geeft geen toegang" in session.page.locator("[role=alert]").inner_text()
    session.shot("aanmelden-geweigerd")
    assert unexpected(session.errors, 401) == []
