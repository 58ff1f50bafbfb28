"""A report as CSV, JSON or a self-contained HTML page (no external CDN; Dutch labels for its readers).

CSV cells go through the adapters' shared formula-injection neutraliser, so an id that starts with `=` can
never run as a formula in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from adapters.sdk.spreadsheet import neutralise
from gateway.flow.herkomst import HERKOMSTEN
from gateway.reports.figures import Figures, Report

__all__ = ["LABELS", "SCALARS", "to_csv", "to_html", "to_json"]

LABELS: dict[str, str] = {
    "lettings": "Verhuringen",
    "passend_share": "Aandeel passend toegewezen",
    "daeb_share": "Aandeel DAEB aan doelgroep",
    "binding_share": "Aandeel met binding",
    "average_inschrijfduur_days": "Gemiddelde inschrijfduur bij toewijzing (dagen)",
    "listings": "Publicaties",
    "responses": "Reacties",
    "responses_per_listing": "Reacties per publicatie",
    "gemeente": "Uit dezelfde gemeente",
    "regio": "Uit de rest van de regio",
    "buiten_regio": "Van buiten de regio",
}

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    keep_trailing_newline=True,
)

# The report's single figures, in the order every rendering (CSV, HTML, the dashboard's report page) shows them.
SCALARS = (
    "lettings",
    "passend_share",
    "daeb_share",
    "binding_share",
    "average_inschrijfduur_days",
    "listings",
    "responses",
    "responses_per_listing",
)


def to_json(report: Report) -> str:
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n"


def _rows(scope: str, key: str, figures: Figures) -> list[list[Any]]:
    data = figures.as_dict()
    rows: list[list[Any]] = [[scope, key, metric, data[metric]] for metric in SCALARS]
    rows += [[scope, key, f"herkomst.{h}", figures.herkomst.get(h, 0)] for h in HERKOMSTEN]
    rows += [[scope, key, f"weigering.{reason}", n] for reason, n in sorted(figures.refusals_by_reason.items())]
    return rows


def to_csv(report: Report) -> str:
    """One row per figure: scope (totaal/gemeente/corporatie), key, metric, value; `;`-separated."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["scope", "sleutel", "kengetal", "waarde"])
    rows = _rows("totaal", str(report.year), report.total)
    for gemeente, figures in sorted(report.by_gemeente.items()):
        rows += _rows("gemeente", gemeente, figures)
    for corporatie, figures in sorted(report.by_corporatie.items()):
        rows += _rows("corporatie", corporatie, figures)
    for row in rows:
        writer.writerow([neutralise("" if value is None else str(value)) for value in row])
    return out.getvalue()


def to_html(report: Report, *, title: str | None = None, names: dict[str, str] | None = None) -> str:
    """A standalone page; `names` maps gemeente and corporation ids to their names for the reader."""
    template = _TEMPLATES.get_template("report.html")
    return template.render(
        title=title or f"Woonruimteverdeling {report.year}",
        report=report,
        data=report.as_dict(),
        labels=LABELS,
        scalars=SCALARS,
        herkomsten=HERKOMSTEN,
        names=names or {},
    )
