"""The dashboard's overview shows region staff what the inbound pipeline refused (with an alert for
messages about another corporation's units) and each corporation's poll health; a corporation sees only
its own channel's refusals. Over HTTP against the served demo."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from gateway.demo.population import vacancies
from gateway.inbound.ownership import Channel, Via
from gateway.inbound.pipeline import InboundPipeline
from tests.web.conftest import ADMIN, Site
from tests.web.test_security import sign_in


@pytest.fixture
def refused(site: Site) -> str:
    """A vacancy of corp-b's, arriving through corp-c's channel: refused by the ownership check."""
    [message] = vacancies("corp-b", "csv", [("GM0268", "Nijmegen")], 1, seed=77, first=777)
    message = message.model_copy(update={"source": message.source.model_copy(update={"tenant": "corp-c"})})
    result = InboundPipeline(site.world.flow).take(Channel("corp-c", Via.POLL), [message], adapter="csv")
    assert result.not_owner == 1
    return message.payload.eenheid.id


@pytest.fixture
def client(site: Site) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site.url, follow_redirects=False, timeout=30) as http:
        yield http


def test_region_staff_see_the_refusal_and_the_alert(site: Site, client: httpx.Client, refused: str) -> None:
    assert sign_in(client, site.keys[ADMIN]).status_code == 303
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert 'id="eigendom-melding"' in page.text
    table = page.text.split('id="weigeringen"', 1)[1].split("</table>", 1)[0]
    assert "niet van deze corporatie" in table
    assert "/payload/eenheid/idOrganisatie" in table
    health = page.text.split('id="ophaalstatus"', 1)[1].split("</table>", 1)[0]
    assert "gezond" in health  # the demo's polls all worked


def test_another_corporation_does_not_see_it(site: Site, client: httpx.Client, refused: str) -> None:
    assert sign_in(client, site.keys["corp-a"]).status_code == 303
    page = client.get("/dashboard/")
    assert page.status_code == 200
    table = page.text.split('id="weigeringen"', 1)[1].split("</table>", 1)[0]
    assert "/payload/eenheid/idOrganisatie" not in table
