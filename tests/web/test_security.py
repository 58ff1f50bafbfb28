"""Sign-in, sessions, CSRF and headers of the dashboard, over HTTP against the served demo (no browser).

These run where Chromium is missing too; the browser tests check the same pages as users meet them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from gateway.tenants.service import revoke_key
from gateway.web.session import LOGIN_PURPOSE, SESSION_PURPOSE, Signer
from tests.web.conftest import ADMIN, Site

TOKEN = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def client(site: Site) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site.url, follow_redirects=False, timeout=30) as http:
        yield http


def form_token(client: httpx.Client, path: str = "/dashboard/inloggen") -> str:
    answer = client.get(path)
    assert answer.status_code == 200, answer.text[:300]
    found = TOKEN.search(answer.text)
    assert found is not None
    return found.group(1)


def sign_in(client: httpx.Client, key: str, **extra: str) -> httpx.Response:
    token = form_token(client)
    return client.post("/dashboard/inloggen", data={"csrf": token, "sleutel": key, **extra})


# --- the signer ---------------------------------------------------------------------------------------------


def test_signed_values_round_trip_and_refuse_tampering_expiry_and_other_purposes() -> None:
    signer = Signer(b"s" * 32)
    value = signer.dumps(SESSION_PURPOSE, {"k": "abc", "exp": 2000})
    assert signer.loads(SESSION_PURPOSE, value, now=1000) == {"k": "abc", "exp": 2000}
    assert signer.loads(SESSION_PURPOSE, value, now=2000) is None  # expired
    assert signer.loads(LOGIN_PURPOSE, value, now=1000) is None  # a login cookie is not a session
    assert Signer(b"t" * 32).loads(SESSION_PURPOSE, value, now=1000) is None  # another secret
    payload, signature = value.split(".")
    forged = signer.dumps(SESSION_PURPOSE, {"k": "other", "exp": 2000}).split(".")[0]
    assert signer.loads(SESSION_PURPOSE, f"{forged}.{signature}", now=1000) is None
    for garbage in ("", "x", "a.b.c", f"{payload}.", "é.é", f"{payload}.{signature}x", "." * 5000):
        assert signer.loads(SESSION_PURPOSE, garbage, now=1000) is None
    with pytest.raises(ValueError, match="32 bytes"):
        Signer(b"short")


# --- signing in -------------------------------------------------------------------------------------------


def test_sign_in_sets_a_signed_http_only_strict_cookie(site: Site, client: httpx.Client) -> None:
    answer = sign_in(client, site.keys["corp-a"])
    assert answer.status_code == 303
    assert answer.headers["location"] == "/dashboard/"
    cookie = next(h for h in answer.headers.get_list("set-cookie") if h.startswith("woonbrug_sessie="))
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/dashboard"} <= flags
    assert "secure" not in flags  # plain HTTP on loopback; on HTTPS (or with secure_cookies) it is set
    assert site.keys["corp-a"].split("_", 2)[2] not in cookie  # the key's secret never goes in the cookie
    assert client.get("/dashboard/publicaties").status_code == 200


@pytest.mark.parametrize(
    "key",
    [
        "not-a-key",
        "wbk_000000000000_" + "A" * 43,  # well-formed, unknown id
        "",
    ],
)
def test_a_bad_key_gets_one_answer_whatever_is_wrong(site: Site, client: httpx.Client, key: str) -> None:
    answer = sign_in(client, key)
    assert answer.status_code == 401
    assert "Deze sleutel geeft geen toegang" in answer.text
    assert "woonbrug_sessie" not in answer.headers.get("set-cookie", "")


def test_a_known_key_with_a_wrong_secret_is_refused_like_an_unknown_one(site: Site, client: httpx.Client) -> None:
    prefix = site.keys["corp-a"].rsplit("_", 1)[0]
    answer = sign_in(client, f"{prefix}_{'B' * 43}")
    assert answer.status_code == 401
    assert "Deze sleutel geeft geen toegang" in answer.text


def test_sign_in_needs_the_forms_own_token(site: Site, client: httpx.Client) -> None:
    # No form cookie at all (a cross-site post, or a form left open too long).
    answer = client.post("/dashboard/inloggen", data={"csrf": "x", "sleutel": site.keys["corp-a"]})
    assert answer.status_code == 403
    form_token(client)  # now the cookie exists, but the token sent is not its token
    answer = client.post("/dashboard/inloggen", data={"csrf": "x" * 43, "sleutel": site.keys["corp-a"]})
    assert answer.status_code == 403
    assert "woonbrug_sessie" not in answer.headers.get("set-cookie", "")


@pytest.mark.parametrize("target", ["https://evil.example/dashboard/", "//evil.example/dashboard/", "/api/v1/x"])
def test_sign_in_never_redirects_away_from_the_dashboard(site: Site, client: httpx.Client, target: str) -> None:
    answer = sign_in(client, site.keys[ADMIN], volgende=target)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/dashboard/"


def test_sign_in_returns_to_the_page_asked_for(site: Site, client: httpx.Client) -> None:
    first = client.get("/dashboard/publicaties?status=AFG")
    assert first.status_code == 303
    assert first.headers["location"] == "/dashboard/inloggen?volgende=%2Fdashboard%2Fpublicaties%3Fstatus%3DAFG"
    token = form_token(client, first.headers["location"])
    answer = client.post(
        "/dashboard/inloggen",
        data={"csrf": token, "sleutel": site.keys["corp-a"], "volgende": "/dashboard/publicaties?status=AFG"},
    )
    assert answer.headers["location"] == "/dashboard/publicaties?status=AFG"


def test_a_tampered_session_cookie_is_no_session(site: Site, client: httpx.Client) -> None:
    sign_in(client, site.keys["corp-b"])
    value = client.cookies["woonbrug_sessie"]
    client.cookies.clear()
    client.cookies.set("woonbrug_sessie", value[:-2] + ("AA" if not value.endswith("AA") else "BB"), path="/dashboard")
    assert client.get("/dashboard/").status_code == 303


def test_revoking_the_key_ends_its_sessions(site: Site, client: httpx.Client) -> None:
    from gateway.tenants.service import create_key

    world = site.world
    with world.db.transaction() as session:
        issued = create_key(session, tenant="corp-c", role="corporation", now=world.clock.now())
    assert sign_in(client, issued.key).status_code == 303
    assert client.get("/dashboard/").status_code == 200
    with world.db.transaction() as session:
        assert revoke_key(session, issued.key_id, now=world.clock.now())
    answer = client.get("/dashboard/")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/dashboard/inloggen")


# --- forms and headers ------------------------------------------------------------------------------------


def test_forms_without_the_session_token_or_from_another_site_are_refused(site: Site, client: httpx.Client) -> None:
    sign_in(client, site.keys[ADMIN])
    csrf = form_token(client, "/dashboard/")
    target = f"/dashboard/dode-berichten/{site.dead[-1]}/opnieuw"
    assert client.post(target, data={"reden": "zonder code"}).status_code == 403
    assert client.post(target, data={"csrf": "x" * 43, "reden": "verkeerde code"}).status_code == 403
    refused = client.post(
        target, data={"csrf": csrf, "reden": "andere site"}, headers={"Origin": "https://evil.example"}
    )
    assert refused.status_code == 403
    assert "beveiligingscode" in refused.text
    as_json = client.post(target, json={"csrf": csrf, "reden": "json"})
    assert as_json.status_code == 415
    assert site.outbox(site.dead[-1]).status == "dead"
    assert client.post("/dashboard/uitloggen", data={"csrf": ""}).status_code == 403  # signing out needs the token too


def test_a_replay_needs_a_reason(site: Site, client: httpx.Client) -> None:
    sign_in(client, site.keys[ADMIN])
    csrf = form_token(client, "/dashboard/")
    answer = client.post(f"/dashboard/dode-berichten/{site.dead[-1]}/opnieuw", data={"csrf": csrf, "reden": " "})
    assert answer.status_code == 303
    assert "melding=reden-ontbreekt" in answer.headers["location"]
    assert site.outbox(site.dead[-1]).status == "dead"
    page = client.get(answer.headers["location"])
    assert "Geef een reden op" in page.text


def test_pages_carry_a_strict_content_security_policy_and_are_not_cached(site: Site, client: httpx.Client) -> None:
    sign_in(client, site.keys[ADMIN])
    for path in ("/dashboard/", "/dashboard/inloggen", "/dashboard/nergens"):
        answer = client.get(path)
        csp = answer.headers["content-security-policy"]
        assert "default-src 'none'" in csp
        assert "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["cache-control"] == "no-store"
    page = client.get("/dashboard/").text
    assert "<script>" not in page  # no inline script: the policy would block it
    assert ' style="' not in page  # nor inline styles
    assert re.findall(r'(?:src|href)="(https?:)?//', page) == []  # nothing loaded from elsewhere
    assert client.get("/dashboard/static/dashboard.css").status_code == 200


def test_unknown_pages_are_dutch_html_and_the_api_keeps_its_own_errors(site: Site, client: httpx.Client) -> None:
    sign_in(client, site.keys[ADMIN])
    missing = client.get("/dashboard/nergens")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert "Niet gevonden" in missing.text
    assert client.get("/dashboard/publicaties/bestaat-niet").status_code == 404
    assert client.get("/dashboard/publicaties?pagina=0").status_code == 400
    api = client.get("/api/v1/publicaties")
    assert api.status_code == 401
    assert api.headers["content-type"] == "application/problem+json"
    assert client.get("/nergens").headers["content-type"] == "application/problem+json"
    assert client.get("/").headers["location"] == "/dashboard/"


def test_a_corporations_report_is_always_its_own(site: Site, client: httpx.Client) -> None:
    sign_in(client, site.keys["corp-a"])
    answer = client.get("/dashboard/rapportages/rapport.json?jaar=2026&corporatie=corp-b")
    assert answer.status_code == 200
    data = answer.json()
    assert data["corporatie"] == "corp-a"
    assert set(data["by_corporatie"]) <= {"corp-a"}
    assert 'filename="woonbrug-rapport-2026-corp-a.json"' in answer.headers["content-disposition"]


def test_report_selection_outside_the_region_is_refused(site: Site, client: httpx.Client) -> None:
    sign_in(client, site.keys[ADMIN])
    assert client.get("/dashboard/rapportages?jaar=2026&gemeente=GM9999").status_code == 400
    assert client.get("/dashboard/rapportages?jaar=2026&corporatie=corp-z").status_code == 400
    assert client.get("/dashboard/rapportages/rapport.xml?jaar=2026").status_code == 404
    assert client.get("/dashboard/rapportages?jaar=1800").status_code == 400


def test_a_corporation_may_replay_its_own_dead_letters(site: Site, client: httpx.Client) -> None:
    sign_in(client, site.keys["corp-a"])
    page = client.get("/dashboard/").text
    assert f'action="/dashboard/dode-berichten/{site.dead[-1]}/opnieuw"' in page
    client.cookies.clear()  # another corporation: no such form
    sign_in(client, site.keys["corp-b"])
    assert f"/dashboard/dode-berichten/{site.dead[-1]}/opnieuw" not in client.get("/dashboard/").text
