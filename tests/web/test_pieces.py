"""The dashboard's pure parts: who may see what, the SVG charts, the trace timeline, Dutch formatting."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import httpx
import pytest
from starlette.types import Receive, Send
from starlette.types import Scope as AsgiScope

from gateway.tenants.service import ROLE_SCOPES, Principal, Role, Scope
from gateway.web import charts
from gateway.web.access import Viewer
from gateway.web.app import DashboardGuard
from gateway.web.render import datum, number, tijd
from gateway.web.repository import AttemptRow, AuditRow, InboxRow, OutboxRow, Trace
from gateway.web.stats import GATEWAY, timeline
from tests.web.conftest import run_async

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def viewer(role: Role, tenant: str = "corp-a", scopes: frozenset[Scope] | None = None) -> Viewer:
    return Viewer(Principal(tenant, role, ROLE_SCOPES[role] if scopes is None else scopes, "k"), "t", tenant)


# --- access ---------------------------------------------------------------------------------------------


def test_who_sees_what() -> None:
    admin, corp, town = viewer(Role.ADMIN, "beheer"), viewer(Role.CORPORATION), viewer(Role.MUNICIPALITY, "GM0202")
    assert [item.name for item in admin.nav()] == ["overzicht", "publicaties", "spoor", "statistieken", "rapportages"]
    assert [item.name for item in corp.nav()] == ["overzicht", "publicaties", "spoor", "statistieken", "rapportages"]
    assert [item.name for item in town.nav()] == ["statistieken", "rapportages"]
    assert town.home() == "/dashboard/statistieken"
    assert (admin.corporation, corp.corporation, town.corporation) == (None, "corp-a", None)
    assert corp.statistics_corporatie == "corp-a"
    assert admin.sees_kandidaten("corp-b")
    assert corp.sees_kandidaten("corp-a")
    assert not corp.sees_kandidaten("corp-b")
    assert not town.sees_kandidaten("corp-a")
    assert admin.may_replay("corp-b")
    assert corp.may_replay("corp-a")
    assert not corp.may_replay("corp-b")
    assert not town.may_replay("corp-a")


def test_scopes_narrow_what_a_key_sees() -> None:
    reader = viewer(Role.ADMIN, "beheer", frozenset({Scope.ADMIN_READ, Scope.PUBLICATIES_READ}))
    assert reader.sees_messages
    assert not reader.may_replay("corp-a")  # replaying needs admin:write
    assert not reader.sees_statistics  # and figures statistieken:read
    corp = viewer(Role.CORPORATION, scopes=frozenset({Scope.PUBLICATIES_READ}))
    assert corp.sees_publicaties
    assert not corp.sees_kandidaten("corp-a")  # candidate lists need kandidaten:read
    nothing = viewer(Role.MUNICIPALITY, "GM0202", frozenset())
    assert nothing.nav() == []
    assert nothing.home() == "/dashboard/geen-toegang"
    portal = viewer(Role.PORTAL, "portal-x")
    assert [portal.sees_messages, portal.sees_publicaties, portal.sees_statistics] == [False, False, False]


# --- charts ---------------------------------------------------------------------------------------------


def _svg(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(markup)


NS = "{http://www.w3.org/2000/svg}"


def test_bar_lengths_follow_the_values_and_labels_are_escaped() -> None:
    svg = charts.bar_chart("c", "Titel <b>", [("<script>alert(1)</script>", 10), ("Arnhem & Co", 5), ("nul", 0)])
    assert "<script>" not in svg
    root = _svg(svg)
    widths = [float(rect.get("width", "0")) for rect in root.iter(f"{NS}rect")]
    assert widths[0] > 0
    assert widths[1] == pytest.approx(widths[0] / 2)
    assert widths[2] == 0
    assert root.get("role") == "img"
    assert root.find(f"{NS}title") is not None
    labels = [text.text or "" for text in root.iter(f"{NS}text")]
    assert "10" in labels
    assert "5" in labels
    assert "Geen gegevens" in charts.bar_chart("c", "t", [])


def test_long_labels_are_shortened_but_kept_whole_in_the_tooltip() -> None:
    name = "Woonstichting Rijnoever en Omstreken (fictief)"
    root = _svg(charts.bar_chart("c", "t", [(name, 1)]))
    label = next(text for text in root.iter(f"{NS}text") if text.get("class") == "label")
    assert label.find(f"{NS}title").text == name  # type: ignore[union-attr]
    assert label.find(f"{NS}title").tail.endswith("…")  # type: ignore[union-attr]


def test_share_chart_draws_shares_on_a_percent_axis_with_the_policy_line() -> None:
    groups = [("Arnhem", [("Passend", 1.0), ("Binding", 0.25)]), ("Renkum", [("Passend", None), ("Binding", 0.5)])]
    svg = charts.grouped_share_chart("s", "Aandelen", groups, references=[(0.5, "Maximum")])
    root = _svg(svg)
    bars = [r for r in root.iter(f"{NS}rect") if "bar" in (r.get("class") or "") and r.find(f"{NS}title") is not None]
    widths = [float(r.get("width", "0")) for r in bars]
    assert widths[1] == pytest.approx(widths[0] / 4)
    assert widths[2] == 0  # no share (nothing to test): an empty bar, labelled "–"
    assert "Renkum · Passend: –" in svg
    reference = next(line for line in root.iter(f"{NS}line") if line.get("class") == "reference")
    assert float(reference.get("x1", "0")) == pytest.approx(charts.LABEL_WIDTH + widths[3])


def test_stacked_chart_splits_each_row_by_its_counts() -> None:
    root = _svg(
        charts.stacked_share_chart("h", "Herkomst", [("Regio", [("a", 1), ("b", 3)]), ("Leeg", [("a", 0), ("b", 0)])])
    )
    parts = [r for r in root.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]
    assert len(parts) == 2  # the empty row is left out
    assert float(parts[1].get("width", "0")) == pytest.approx(3 * float(parts[0].get("width", "0")))
    assert "n=4" in ElementTree.tostring(root, encoding="unicode")


def test_sequence_diagram_has_a_lane_per_system_and_escapes_texts() -> None:
    lanes = [charts.Lane("corp-a/vera", "corp-a · vera"), charts.Lane(GATEWAY, "Woonbrug")]
    steps = [charts.Step("corp-a/vera", GATEWAY, "a <b>", "info", "t"), charts.Step(GATEWAY, GATEWAY, "x", "replay")]
    root = _svg(charts.sequence_diagram("d", "Pad", lanes, steps))
    assert len([line for line in root.iter(f"{NS}line") if line.get("class") == "lifeline"]) == 2
    assert len([line for line in root.iter(f"{NS}line") if (line.get("class") or "").startswith("msg")]) == 1
    assert len(list(root.iter(f"{NS}circle"))) == 1


# --- the trace timeline ---------------------------------------------------------------------------------


def _outbox(outbox_id: int, *, parent: int | None = None, status: str = "delivered") -> OutboxRow:
    return OutboxRow(
        id=outbox_id,
        type="publicatie.aangeboden",
        corporation="corp-a",
        adapter="vera",
        endpoint="corp-a/vera",
        status=status,
        attempts=1,
        generation=0 if parent is None else 1,
        parent_id=parent,
        correlation_id="c",
        message_id="m",
        business_key="pub-1",
        created_at=T0,
        delivered_at=None,
        dead_at=None,
        last_error=None,
        last_status=None,
        replayed_by="beheer" if parent else None,
        replayed_at=T0 if parent else None,
        replay_reason=None,
    )


def _audit(entry_id: int, action: str, entity: str = "x", attempt: int | None = None) -> AuditRow:
    entity_type = "outbox" if action.startswith(("outbox.", "delivery.")) else "publicatie"
    return AuditRow(entry_id, T0, "woonbrug", action, entity_type, entity, None, None, None, "", attempt)


def _attempt(outbox_id: int, outcome: str, status: int) -> AttemptRow:
    return AttemptRow(outbox_id, 1, "w", T0, T0, outcome, status, None, None, None)


def test_timeline_orders_steps_of_one_moment_as_the_audit_log_saw_them_and_folds_repeats() -> None:
    trace = Trace(
        correlation_id="c",
        publicaties=["pub-1"],
        inbox=[InboxRow(5, "corp-a", "vera", "m0", "eenheid.vrijgekomen", T0, T0)],
        outbox=[_outbox(1, status="dead"), _outbox(2, parent=1)],
        attempts={1: [_attempt(1, "permanent", 400)], 2: [_attempt(2, "delivered", 201)]},
        audit=[
            _audit(10, "inbox.received", "5"),
            _audit(11, "publicatie.gepubliceerd"),
            _audit(12, "delivery.dead_lettered", "1", attempt=1),
            _audit(13, "outbox.replayed", "2"),
            _audit(14, "delivery.delivered", "2", attempt=1),
            _audit(15, "aanbieding.gedaan"),
            _audit(16, "aanbieding.gedaan"),
        ],
    )
    events = timeline(trace)
    assert [event.text for event in events] == [
        "eenheid.vrijgekomen ontvangen",
        "publicatie.gepubliceerd (woonbrug)",
        "publicatie.aangeboden · poging 1: geweigerd (HTTP 400)",
        "#1 opnieuw verstuurd als #2 door beheer",
        "publicatie.aangeboden · poging 1: afgeleverd (HTTP 201)",
        "aanbieding.gedaan (woonbrug) × 2",
    ]
    assert [event.kind for event in events] == ["info", "info", "bad", "replay", "ok", "info"]
    assert events[0].source == "corp-a/vera"
    assert events[0].target == GATEWAY
    assert events[2].target == "corp-a/vera"


def test_timeline_uses_time_first() -> None:
    later = T0 + timedelta(hours=1)
    trace = Trace(
        "c",
        [],
        [InboxRow(1, "corp-b", "soap_erp", "m", "overeenkomst.getekend", later, None)],
        [],
        {},
        [_audit(1, "toewijzing.gedaan")],
    )
    assert [event.text.split(" ")[0] for event in timeline(trace)] == ["toewijzing.gedaan", "overeenkomst.getekend"]


# --- Dutch formatting -----------------------------------------------------------------------------------


def test_dutch_numbers_dates_and_shares() -> None:
    assert number(3317.6) == "3.317,6"
    assert number(1234567) == "1.234.567"
    assert number(None) == "–"
    assert charts.percent(0.4567) == "45,7%"
    assert charts.percent(None) == "–"
    assert tijd(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)) == "2 mrt 2026 10:00"  # winter: UTC+1
    assert tijd(datetime(2026, 7, 1, 9, 0, tzinfo=UTC)) == "1 jul 2026 11:00"  # summer: UTC+2
    assert datum("2026-03-09T23:30:00Z") == "10 mrt 2026"  # already the 10th in the Netherlands
    assert re.fullmatch(r"\d+ [a-z]{3} \d{4}", datum(datetime(2026, 1, 5, tzinfo=UTC)))


# --- the last-resort guard ------------------------------------------------------------------------------


def test_a_crash_becomes_a_plain_page_and_its_log_carries_no_personal_data(caplog: pytest.LogCaptureFixture) -> None:
    async def broken(scope: AsgiScope, receive: Receive, send: Send) -> None:
        raise RuntimeError("kapot bij BSN 111222333 van jan.jansen@example.org")

    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=DashboardGuard(broken))
        async with httpx.AsyncClient(transport=transport, base_url="http://dashboard") as client:
            return await client.get("/dashboard/publicaties")

    # Sync test, its own loop in a thread: the browser tests keep Playwright's event loop in this one.
    with caplog.at_level(logging.ERROR, logger="woonbrug.web"):
        answer = run_async(get)
    assert answer.status_code == 500
    assert "Er ging iets mis" in answer.text
    assert "111222333" not in answer.text
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    [record] = [r for r in caplog.records if r.name == "woonbrug.web"]
    logged = record.getMessage() + str(record.__dict__.get("traceback"))
    assert "RuntimeError" in logged
    assert "111222333" not in logged
    assert "jan.jansen@example.org" not in logged
