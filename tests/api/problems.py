"""The shape every error answer must have (RFC 9457), checked in one place."""

from __future__ import annotations

from typing import Any

from tests import factories

PERSONAL = (factories.BSN_VALID, factories.VOORNAAM, factories.ACHTERNAAM, factories.EMAIL)


def assert_problem(response: Any, status: int, path: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert set(body) - {"errors"} == {"type", "title", "status", "detail", "instance"}, body
    assert body["status"] == status
    assert body["type"].startswith("urn:woonbrug:problem:")
    assert body["title"]
    assert body["detail"]
    if path is not None:
        assert body["instance"] == path
    for value in PERSONAL:
        assert value not in response.text
    assert "Traceback" not in response.text
    return body
