"""Charts as inline SVG, drawn on the server: no script, no outside library, readable without colour.

Every chart is an `<svg role="img">` with a title and a description, each bar carries a `<title>` (the
exact figure, shown as a tooltip), and the numbers are printed beside the bars, so the chart also works
in print and for screen readers. Colours come from classes in the dashboard's stylesheet (`s1`..`s4`,
`ok`, `bad`), never from inline styles, so the page's Content-Security-Policy can forbid those.

Texts are escaped here (`markupsafe.escape`), since the result is marked safe for the templates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

__all__ = [
    "Lane",
    "Step",
    "bar_chart",
    "grouped_share_chart",
    "percent",
    "sequence_diagram",
    "stacked_share_chart",
]

WIDTH = 680
LABEL_WIDTH = 220
LABEL_CHARS = 32
VALUE_WIDTH = 70
ROW = 24
BAR = 16
TOP = 8


def percent(value: float | None) -> str:
    """A share as Dutch text: 0.4567 -> '45,7%'; None -> '–'."""
    return "–" if value is None else f"{value * 100:.1f}%".replace(".", ",")


def _number(value: float) -> str:
    text = f"{value:.1f}" if value != int(value) else f"{int(value)}"
    return text.replace(".", ",")


def _open(chart_id: str, title: str, description: str, height: int) -> list[str]:
    return [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-d">{escape(description)}</desc>',
    ]


def _legend(x: int, index: int, name: str) -> list[str]:
    return [
        f'<rect class="bar s{index + 1}" x="{x}" y="{TOP}" width="12" height="12"/>',
        f'<text class="legend" x="{x + 16}" y="{TOP + 11}">{escape(name)}</text>',
    ]


def _label(y: float, text: str) -> str:
    shown = text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"
    return (
        f'<text class="label" x="{LABEL_WIDTH - 8}" y="{y:.1f}" text-anchor="end">'
        f"<title>{escape(text)}</title>{escape(shown)}</text>"
    )


def bar_chart(
    chart_id: str,
    title: str,
    items: Sequence[tuple[str, float]],
    *,
    fmt: Callable[[float], str] = _number,
    description: str = "",
    css: str = "s1",
) -> Markup:
    """Horizontal bars, one per (label, value); the longest bar is the largest value."""
    if not items:
        return Markup('<p class="empty">Geen gegevens voor deze selectie.</p>')
    height = TOP * 2 + ROW * len(items)
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    most = max(value for _label_text, value in items) or 1
    parts = _open(chart_id, title, description or title, height)
    for index, (label, value) in enumerate(items):
        y = TOP + index * ROW
        width = max(0.0, span * value / most)
        parts.append(_label(y + BAR - 3, label))
        parts.append(
            f'<rect class="bar {css}" x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR}">'
            f"<title>{escape(label)}: {escape(fmt(value))}</title></rect>"
        )
        parts.append(
            f'<text class="value" x="{LABEL_WIDTH + width + 6:.1f}" y="{y + BAR - 3}">{escape(fmt(value))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above went through escape()


def grouped_share_chart(
    chart_id: str,
    title: str,
    groups: Sequence[tuple[str, Sequence[tuple[str, float | None]]]],
    *,
    references: Sequence[tuple[float, str]] = (),
    description: str = "",
) -> Markup:
    """Shares (0..1) per group, one bar per series in each group, on a 0-100% axis; optional reference
    lines (e.g. a policy cap) drawn across the whole chart."""
    if not groups:
        return Markup('<p class="empty">Geen gegevens voor deze selectie.</p>')
    series = [name for name, _value in groups[0][1]]
    per_group = len(series) * (BAR - 4) + 10
    legend = 22
    height = TOP + legend + per_group * len(groups) + 22
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = _open(chart_id, title, description or title, height)
    for index, name in enumerate(series):
        parts.extend(_legend(LABEL_WIDTH + index * 150, index, name))
    top = TOP + legend
    for group_index, (label, values) in enumerate(groups):
        y0 = top + group_index * per_group
        parts.append(_label(y0 + per_group / 2, label))
        for index, (name, value) in enumerate(values):
            y = y0 + index * (BAR - 4)
            width = 0.0 if value is None else span * max(0.0, min(1.0, value))
            parts.append(
                f'<rect class="bar s{index + 1}" x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR - 6}">'
                f"<title>{escape(label)} · {escape(name)}: {escape(percent(value))}</title></rect>"
            )
            parts.append(
                f'<text class="value small" x="{LABEL_WIDTH + width + 4:.1f}" y="{y + BAR - 7}">'
                f"{escape(percent(value))}</text>"
            )
    bottom = top + per_group * len(groups)
    x: float
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        x = LABEL_WIDTH + span * tick
        parts.append(f'<line class="axis" x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{bottom}"/>')
        parts.append(f'<text class="tick" x="{x:.1f}" y="{bottom + 14}" text-anchor="middle">{int(tick * 100)}%</text>')
    for value, name in references:
        x = LABEL_WIDTH + span * max(0.0, min(1.0, value))
        parts.append(
            f'<line class="reference" x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{bottom}">'
            f"<title>{escape(name)}: {escape(percent(value))}</title></line>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above went through escape()


def stacked_share_chart(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, Sequence[tuple[str, int]]]],
    *,
    description: str = "",
) -> Markup:
    """One 100% bar per row, split into its parts (counts), with a legend above."""
    rows = [(label, parts) for label, parts in rows if sum(count for _name, count in parts) > 0]
    if not rows:
        return Markup('<p class="empty">Geen gegevens voor deze selectie.</p>')
    names = [name for name, _count in rows[0][1]]
    legend = 22
    height = TOP + legend + ROW * len(rows) + 4
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    out = _open(chart_id, title, description or title, height)
    for index, name in enumerate(names):
        out.extend(_legend(LABEL_WIDTH + index * 160, index, name))
    for row_index, (label, parts) in enumerate(rows):
        y = TOP + legend + row_index * ROW
        total = sum(count for _name, count in parts)
        out.append(_label(y + BAR - 3, label))
        x = float(LABEL_WIDTH)
        for index, (name, count) in enumerate(parts):
            width = span * count / total
            share = count / total
            out.append(
                f'<rect class="bar s{index + 1}" x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR}">'
                f"<title>{escape(label)} · {escape(name)}: {count} ({escape(percent(share))})</title></rect>"
            )
            if width >= 38:
                out.append(
                    f'<text class="inbar" x="{x + width / 2:.1f}" y="{y + BAR - 4}" text-anchor="middle">'
                    f"{escape(percent(share))}</text>"
                )
            x += width
        out.append(f'<text class="value" x="{x + 6:.1f}" y="{y + BAR - 3}">n={total}</text>')
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every text above went through escape()


# --- the path of a message across systems ----------------------------------------------------------------


@dataclass(frozen=True)
class Lane:
    key: str
    label: str


@dataclass(frozen=True)
class Step:
    """One arrow (or, when source == target, one mark on a lane) in the sequence diagram."""

    source: str
    target: str
    text: str
    kind: str = "info"  # info | ok | bad | warn | replay
    when: str = ""


def sequence_diagram(chart_id: str, title: str, lanes: Sequence[Lane], steps: Sequence[Step]) -> Markup:
    """A swimlane diagram: one column per system, one row per step, arrows in time order."""
    if not steps:
        return Markup('<p class="empty">Geen stappen vastgelegd.</p>')
    when_width = 120
    notes = 300  # room right of the last lane for the notes beside its marks
    lane_width = max(180, (WIDTH + 200 - when_width - notes) // max(1, len(lanes)))
    width = when_width + lane_width * len(lanes) + notes
    header = 40
    row = 30
    height = header + row * len(steps) + 10
    x_of = {lane.key: when_width + lane_width * index + lane_width // 2 for index, lane in enumerate(lanes)}
    out = [
        f'<svg class="chart sequence" id="{escape(chart_id)}" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="{escape(chart_id)}-t" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>',
    ]
    for lane in lanes:
        x = x_of[lane.key]
        out.append(f'<text class="lane" x="{x}" y="18" text-anchor="middle">{escape(lane.label)}</text>')
        out.append(f'<line class="lifeline" x1="{x}" y1="26" x2="{x}" y2="{height - 4}"/>')
    for index, step in enumerate(steps):
        y = header + index * row + row // 2
        out.append(f'<text class="when" x="4" y="{y + 4}">{escape(step.when)}</text>')
        x1, x2 = x_of[step.source], x_of[step.target]
        if x1 == x2:
            out.append(
                f'<circle class="mark {escape(step.kind)}" cx="{x1}" cy="{y}" r="5">'
                f"<title>{escape(step.text)}</title></circle>"
            )
            out.append(f'<text class="step" x="{x1 + 10}" y="{y + 4}">{escape(step.text)}</text>')
            continue
        out.append(
            f'<line class="msg {escape(step.kind)}" x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" marker-end="url(#arrow)">'
            f"<title>{escape(step.text)}</title></line>"
        )
        anchor, x = ("start", min(x1, x2) + 8)
        out.append(f'<text class="step" x="{x}" y="{y - 5}" text-anchor="{anchor}">{escape(step.text)}</text>')
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every text above went through escape()
