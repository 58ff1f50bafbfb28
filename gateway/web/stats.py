"""What the pages compute from what the repository read: totals, chart data and a message's path.

Pure functions of their inputs (no store access), so they are tested without a server.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from markupsafe import Markup

from gateway.flow.herkomst import HERKOMSTEN
from gateway.flow.policy import RegionConfig
from gateway.reports.figures import Figures, Report
from gateway.reports.render import LABELS, SCALARS
from gateway.web import charts
from gateway.web.render import OUTCOME, tijd
from gateway.web.repository import Trace, TrafficRow
from schemas.referentiedata import AanbiedingDetailStatus

__all__ = [
    "REPORT_SCALARS",
    "Event",
    "charts_of",
    "query_string",
    "timeline",
    "trace_diagram",
    "traffic_totals",
]

REPORT_SCALARS = SCALARS  # the dashboard shows a report's figures as `woonbrug report` renders them
GATEWAY = "woonbrug"
MAX_STEPS = 80
# Audit actions that the inbox and outbox rows already show as steps of their own.
_PLUMBING = ("inbox.", "outbox.", "delivery.")


def traffic_totals(rows: list[TrafficRow]) -> dict[str, int]:
    return {
        "received": sum(r.received for r in rows),
        "delivered": sum(r.delivered for r in rows),
        "waiting": sum(r.waiting for r in rows),
        "dead": sum(r.dead for r in rows),
        "failed_attempts": sum(r.failed_attempts for r in rows),
    }


def query_string(year: int, gemeente: str | None, corporatie: str | None) -> str:
    values = {"jaar": str(year)}
    if gemeente:
        values["gemeente"] = gemeente
    if corporatie:
        values["corporatie"] = corporatie
    return urlencode(values)


def _reason_name(code: str) -> str:
    try:
        return AanbiedingDetailStatus.from_code(code).naam
    except (KeyError, ValueError, LookupError):
        return code


def charts_of(report: Report, names: dict[str, str], region: RegionConfig | None) -> dict[str, Markup]:
    """The statistics page's charts for one report."""

    def name(key: str) -> str:
        return names.get(key, key).removeprefix("Gemeente ")

    gemeenten = sorted(report.by_gemeente.items(), key=lambda item: name(item[0]))
    corporaties = sorted(report.by_corporatie.items(), key=lambda item: name(item[0]))
    region_label = "Hele selectie"

    def shares(figures: Figures) -> list[tuple[str, float | None]]:
        return [
            ("Passend", figures.passend_share),
            ("DAEB aan doelgroep", figures.daeb_share),
            ("Met binding", figures.binding_share),
        ]

    references = []
    if region is not None:
        references.append((float(region.policy.binding_share_cap), "Maximum aandeel met binding (regiobeleid)"))
    refusals = sorted(report.total.refusals_by_reason.items(), key=lambda item: (-item[1], item[0]))
    return {
        "verhuringen": charts.bar_chart(
            "grafiek-verhuringen",
            f"Verhuringen per gemeente in {report.year}",
            [(name(code), figures.lettings) for code, figures in gemeenten if figures.lettings],
        ),
        "corporaties": charts.bar_chart(
            "grafiek-corporaties",
            f"Verhuringen per corporatie in {report.year}",
            [(name(key), figures.lettings) for key, figures in corporaties if figures.lettings],
            css="s2",
        ),
        "aandelen": charts.grouped_share_chart(
            "grafiek-aandelen",
            f"Aandelen passend, DAEB en binding in {report.year}",
            [(region_label, shares(report.total))]
            + [(name(code), shares(figures)) for code, figures in gemeenten if figures.lettings],
            references=references,
            description="Per gemeente het aandeel passend toegewezen, het aandeel DAEB-woningen verhuurd aan de "
            "doelgroep en het aandeel verhuringen met binding.",
        ),
        "herkomst": charts.stacked_share_chart(
            "grafiek-herkomst",
            f"Herkomst van gehuisveste woningzoekenden in {report.year}",
            [(region_label, [(LABELS[h], report.total.herkomst.get(h, 0)) for h in HERKOMSTEN])]
            + [(name(code), [(LABELS[h], f.herkomst.get(h, 0)) for h in HERKOMSTEN]) for code, f in gemeenten],
        ),
        "weigeringen": charts.bar_chart(
            "grafiek-weigeringen",
            f"Weigeringen naar reden in {report.year}",
            [(_reason_name(code), count) for code, count in refusals],
            css="s3",
        ),
        "reacties": charts.bar_chart(
            "grafiek-reacties",
            f"Reacties per publicatie in {report.year}",
            [(name(code), figures.responses_per_listing or 0.0) for code, figures in gemeenten if figures.listings],
            css="s4",
        ),
    }


# --- a message's path across systems ----------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One step of a trace: something arrived, was sent (an attempt), was replayed, or the flow acted."""

    at: datetime
    source: str
    target: str
    text: str
    kind: str  # info | ok | bad | warn | replay
    outbox_id: int | None = None


def _lane_of(tenant: str, system: str) -> str:
    return f"{tenant}/{system}"


def _attempt_kind(outcome: str) -> str:
    return {"delivered": "ok", "transient": "warn", "lease_expired": "warn"}.get(outcome, "bad")


def _sequence(trace: Trace) -> dict[tuple[str, ...], int]:
    """Audit ids of the plumbing steps, to order steps that share a moment (a simulated clock, a fast
    worker) in the order they happened: the audit log is appended to in that order."""
    found: dict[tuple[str, ...], int] = {}
    for entry in trace.audit:
        key: tuple[str, ...] | None = None
        if entry.action == "inbox.received":
            key = ("inbox", entry.entity_id or "")
        elif entry.action == "outbox.enqueued":
            key = ("enqueued", entry.entity_id or "")
        elif entry.action == "outbox.replayed":
            key = ("replayed", entry.entity_id or "")
        elif entry.action.startswith("delivery.") and entry.attempt is not None:
            key = ("attempt", entry.entity_id or "", str(entry.attempt))
        if key is not None:
            found.setdefault(key, entry.id)
    return found


def timeline(trace: Trace) -> list[Event]:
    """Every step in time order; repeated flow actions in a row are folded into one (`× n`)."""
    sequence = _sequence(trace)
    unknown = max((entry.id for entry in trace.audit), default=0) + 1  # after the known steps of a moment

    def seq(*key: str) -> int:
        return sequence.get(key, unknown)

    events: list[tuple[datetime, int, Event]] = []
    for row in trace.inbox:
        lane = _lane_of(row.source_tenant, row.source_system)
        arrived = Event(row.received_at, lane, GATEWAY, f"{row.type} ontvangen", "info")
        events.append((row.received_at, seq("inbox", str(row.id)), arrived))
    for message in trace.outbox:
        if message.parent_id is not None and message.replayed_at is not None:
            text = f"#{message.parent_id} opnieuw verstuurd als #{message.id} door {message.replayed_by or '?'}"
            replayed = Event(message.replayed_at, GATEWAY, GATEWAY, text, "replay", message.id)
            events.append((message.replayed_at, seq("replayed", str(message.id)), replayed))
        attempts = trace.attempts.get(message.id, [])
        for attempt in attempts:
            status = f" (HTTP {attempt.status_code})" if attempt.status_code else ""
            outcome = OUTCOME.get(attempt.outcome, attempt.outcome)
            text = f"{message.type} · poging {attempt.attempt_no}: {outcome}{status}"
            kind = _attempt_kind(attempt.outcome)
            step = Event(attempt.finished_at, GATEWAY, message.endpoint, text, kind, message.id)
            events.append((attempt.finished_at, seq("attempt", str(message.id), str(attempt.attempt_no)), step))
        if not attempts and message.status in ("pending", "in_flight"):
            text = f"{message.type} wacht op bezorging (#{message.id})"
            waiting = Event(message.created_at, GATEWAY, GATEWAY, text, "warn", message.id)
            events.append((message.created_at, seq("enqueued", str(message.id)), waiting))
    for entry in trace.audit:
        if entry.action.startswith(_PLUMBING):
            continue
        text = f"{entry.action} ({entry.actor})"
        events.append((entry.at, entry.id, Event(entry.at, GATEWAY, GATEWAY, text, "info")))
    events.sort(key=lambda item: (item[0], item[1]))
    folded: list[tuple[Event, int]] = []
    for _at, _order, event in events:
        if folded and event.kind == "info" and event.source == event.target and folded[-1][0].text == event.text:
            folded[-1] = (folded[-1][0], folded[-1][1] + 1)
        else:
            folded.append((event, 1))
    return [
        event if count == 1 else Event(event.at, event.source, event.target, f"{event.text} × {count}", event.kind)
        for event, count in folded
    ]


def trace_diagram(trace: Trace, events: list[Event], names: dict[str, str]) -> Markup:
    """The swimlane picture of a trace: the senders on the left, Woonbrug, the receivers on the right."""
    senders = sorted({e.source for e in events if e.target == GATEWAY and e.source != GATEWAY})
    receivers = sorted({e.target for e in events if e.source == GATEWAY and e.target != GATEWAY} - set(senders))

    def label(key: str) -> str:
        tenant, _, system = key.partition("/")
        return f"{tenant} · {system}" if system else tenant

    lanes = (
        [charts.Lane(key, label(key)) for key in senders]
        + [charts.Lane(GATEWAY, "Woonbrug")]
        + [charts.Lane(key, label(key)) for key in receivers]
    )
    steps = [charts.Step(e.source, e.target, e.text, e.kind, tijd(e.at)) for e in events[:MAX_STEPS]]
    return charts.sequence_diagram("spoor-diagram", f"Pad van {trace.correlation_id} door de systemen", lanes, steps)
