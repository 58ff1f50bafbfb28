"""The dashboard's pages. Each route asks `gateway.web.access.Viewer` whether the signed-in tenant may
see it, reads through `gateway.web.repository` (narrowed to the tenant), and renders a template.

A listing or trace of another corporation answers 404, the same page as one that does not exist.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, RedirectResponse, Response

from gateway.delivery import deadletters
from gateway.flow.herkomst import HERKOMSTEN
from gateway.reports.figures import Report, compute
from gateway.reports.render import LABELS, to_csv, to_json
from gateway.store.paging import PageRequest
from gateway.web import repository, stats
from gateway.web.access import Viewer
from gateway.web.auth import (
    SIGN_IN_FAILED,
    PageError,
    check_csrf,
    check_login_token,
    clear_session,
    current_viewer,
    login_token,
    optional_viewer,
    read_form,
    request_names,
    safe_next,
    set_login_cookie,
    sign_in,
    start_session,
    viewer_of,
)
from gateway.web.context import DashboardContext

__all__ = ["router"]

router = APIRouter()

CurrentViewer = Annotated[Viewer, Depends(current_viewer)]
ID = re.compile(r"^[A-Za-z0-9._:\-]{1,100}$")
NOT_FOUND = "Deze pagina bestaat niet, of u heeft er geen toegang toe."
Jaar = Annotated[int | None, Query(ge=2000, le=2100)]


def _ctx(request: Request) -> DashboardContext:
    context: DashboardContext = request.app.state.context
    return context


def page(
    request: Request, template: str, viewer: Viewer | None, *, http_status: int = 200, **values: Any
) -> HTMLResponse:
    """Render a page with what every page needs: the viewer, its menu, the names of the region."""
    web = request.app.state.web
    ctx = _ctx(request)
    names = request_names(ctx)
    html = web.templates.get_template(template).render(
        viewer=viewer,
        nav=viewer.nav() if viewer is not None else [],
        current=values.pop("current", ""),
        names=names,
        region=ctx.region,
        **values,
    )
    return HTMLResponse(html, status_code=http_status)


def _check_id(value: str) -> str:
    if not ID.match(value):
        raise PageError(404, NOT_FOUND)
    return value


# --- root, sign in and out -------------------------------------------------------------------------------


@router.get("/", include_in_schema=False)
async def root() -> Response:
    return RedirectResponse("/dashboard/", status_code=303)


@router.get("/dashboard", include_in_schema=False)
async def dashboard_root() -> Response:
    return RedirectResponse("/dashboard/", status_code=303)


def _login_page(
    request: Request, *, http_status: int, next_path: str, error: str | None, melding: str | None
) -> Response:
    token, cookie = login_token(request)
    response = page(
        request, "login.html", None, http_status=http_status, next=next_path, error=error, melding=melding, csrf=token
    )
    set_login_cookie(request, response, cookie)
    return response


@router.get("/dashboard/inloggen")
async def login_form(request: Request, volgende: str | None = None, melding: str | None = None) -> Response:
    viewer = await optional_viewer(request)
    if viewer is not None:
        return RedirectResponse(safe_next(volgende) or viewer.home(), status_code=303)
    known = melding if melding in ("uitgelogd", "verlopen") else None
    return _login_page(request, http_status=200, next_path=safe_next(volgende) or "", error=None, melding=known)


@router.post("/dashboard/inloggen")
async def login(request: Request) -> Response:
    form = await read_form(request)
    check_login_token(request, form)
    stored = await sign_in(request, form.get("sleutel", ""))
    next_path = safe_next(form.get("volgende"))
    if stored is None:
        return _login_page(request, http_status=401, next_path=next_path or "", error=SIGN_IN_FAILED, melding=None)
    viewer = viewer_of(_ctx(request), stored, "")
    response = RedirectResponse(next_path or viewer.home(), status_code=303)
    start_session(request, response, stored)
    return response


@router.post("/dashboard/uitloggen")
async def logout(request: Request, viewer: CurrentViewer) -> Response:
    form = await read_form(request)
    check_csrf(request, viewer.csrf, form)
    response = RedirectResponse("/dashboard/inloggen?melding=uitgelogd", status_code=303)
    clear_session(response)
    return response


@router.get("/dashboard/geen-toegang")
async def no_access(request: Request, viewer: CurrentViewer) -> Response:
    return page(
        request,
        "error.html",
        viewer,
        http_status=403,
        title="Geen toegang",
        message="Met deze sleutel zijn er geen pagina's van het dashboard te zien.",
    )


# --- overview -------------------------------------------------------------------------------------------


@router.get("/dashboard/")
def overview(
    request: Request,
    viewer: CurrentViewer,
    melding: str | None = None,
    bericht: int | None = None,
    nieuw: int | None = None,
) -> Response:
    if not viewer.sees_messages:
        return RedirectResponse(viewer.home(), status_code=303)
    corporation = viewer.corporation
    with _ctx(request).db.read_session() as session:
        traffic = repository.traffic(session, corporation)
        values: dict[str, Any] = {
            "traffic": traffic,
            "totals": stats.traffic_totals(traffic),
            "breakers": repository.breakers(session, corporation),
            "failures": repository.recent_failures(session, corporation),
            "dead_letters": repository.dead_letters(session, corporation),
            "replays": repository.recent_replays(session, corporation),
            "messages": repository.recent_messages(session, corporation),
            "rejections": repository.inbound_rejections(session, corporation),
            "poll_health": repository.poll_health(session, corporation),
        }
    return page(
        request, "overview.html", viewer, current="overzicht", melding=melding, bericht=bericht, nieuw=nieuw, **values
    )


@router.post("/dashboard/dode-berichten/{outbox_id}/opnieuw")
async def replay(request: Request, viewer: CurrentViewer, outbox_id: int) -> Response:
    form = await read_form(request)
    check_csrf(request, viewer.csrf, form)
    reason = " ".join(form.get("reden", "").split())
    if not 3 <= len(reason) <= 500:
        return RedirectResponse(f"/dashboard/?melding=reden-ontbreekt&bericht={outbox_id}#dode-berichten", 303)
    ctx = _ctx(request)

    def do_replay() -> tuple[str, int | None]:
        with ctx.db.transaction() as session:
            owner = repository.outbox_owner(session, outbox_id)
            if owner is None or not viewer.sees_messages or viewer.corporation not in (None, owner):
                raise PageError(404, NOT_FOUND)
            if not viewer.may_replay(owner):
                raise PageError(403, "Deze sleutel mag geen berichten opnieuw versturen.")
            try:
                child = deadletters.replay(session, outbox_id, actor=viewer.tenant, reason=reason, clock=ctx.clock)
            except deadletters.ReplayError:
                return "geweigerd", None
            if child.id == outbox_id:  # a newer version was delivered: marked superseded, nothing sent
                return "vervangen", None
            return "opnieuw", child.id

    outcome, child_id = await run_in_threadpool(do_replay)
    target = f"/dashboard/?melding={outcome}&bericht={outbox_id}"
    if child_id is not None:
        target += f"&nieuw={child_id}"
    return RedirectResponse(target + "#dode-berichten", status_code=303)


# --- listings -------------------------------------------------------------------------------------------


@router.get("/dashboard/publicaties")
def publicaties(
    request: Request,
    viewer: CurrentViewer,
    status: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$")] = None,
    gemeente: Annotated[str | None, Query(pattern=r"^GM[0-9]{4}$")] = None,
    pagina: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    if not viewer.sees_publicaties:
        raise PageError(403, "Met deze sleutel zijn geen publicaties te zien.")
    wanted = PageRequest(pagina, request.app.state.web.settings.page_size)
    with _ctx(request).db.read_session() as session:
        rows, total = repository.publicaties(
            session, viewer.corporation, status=status, gemeente=gemeente, request=wanted
        )
        statuses, gemeenten = repository.publicatie_filters(session, viewer.corporation)
    pages = wanted.pages(total)
    return page(
        request,
        "publicaties.html",
        viewer,
        current="publicaties",
        rows=rows,
        total=total,
        pagina=pagina,
        pages=pages,
        status=status,
        gemeente=gemeente,
        statuses=statuses,
        gemeenten=gemeenten,
    )


@router.get("/dashboard/publicaties/{publicatie_id}")
def publicatie(request: Request, viewer: CurrentViewer, publicatie_id: str) -> Response:
    _check_id(publicatie_id)
    if not viewer.sees_publicaties:
        raise PageError(403, "Met deze sleutel zijn geen publicaties te zien.")
    with _ctx(request).db.read_session() as session:
        detail = repository.publicatie(session, publicatie_id, viewer.corporation)
        if detail is None:
            raise PageError(404, NOT_FOUND)
        shows_candidates = viewer.sees_kandidaten(detail.corporatie)
        if shows_candidates:
            repository.fill_candidates(session, detail)
    return page(request, "publicatie.html", viewer, current="publicaties", p=detail, shows_candidates=shows_candidates)


# --- traces ---------------------------------------------------------------------------------------------


@router.get("/dashboard/spoor")
def trace_search(request: Request, viewer: CurrentViewer, zoek: str | None = None) -> Response:
    if not viewer.sees_messages:
        raise PageError(403, "Met deze sleutel zijn geen berichten te zien.")
    text = (zoek or "").strip()
    if text:
        if ID.match(text):
            with _ctx(request).db.read_session() as session:
                correlation = repository.correlation_for(session, text, viewer.corporation)
            if correlation is not None:
                return RedirectResponse(f"/dashboard/spoor/{correlation}", status_code=303)
        return page(request, "trace_search.html", viewer, http_status=404, current="spoor", zoek=text, found=False)
    return page(request, "trace_search.html", viewer, current="spoor", zoek="", found=True)


@router.get("/dashboard/spoor/{correlation_id}")
def trace(request: Request, viewer: CurrentViewer, correlation_id: str) -> Response:
    _check_id(correlation_id)
    if not viewer.sees_messages:
        raise PageError(403, "Met deze sleutel zijn geen berichten te zien.")
    with _ctx(request).db.read_session() as session:
        found = repository.trace(session, correlation_id, viewer.corporation)
    if found is None:
        raise PageError(404, NOT_FOUND)
    events = stats.timeline(found)
    diagram = stats.trace_diagram(found, events, request_names(_ctx(request)))
    return page(
        request,
        "trace.html",
        viewer,
        current="spoor",
        t=found,
        diagram=diagram,
        events=events,
        max_steps=stats.MAX_STEPS,
    )


# --- figures --------------------------------------------------------------------------------------------


def _year(request: Request, viewer: Viewer, jaar: int | None) -> tuple[int, list[int]]:
    ctx = _ctx(request)
    with ctx.db.read_session() as session:
        available = repository.years(session, viewer.statistics_corporatie, ctx.clock.now().year)
    return (jaar if jaar is not None else available[0]), available


@router.get("/dashboard/statistieken")
def statistics(request: Request, viewer: CurrentViewer, jaar: Jaar = None) -> Response:
    if not viewer.sees_statistics:
        raise PageError(403, "Met deze sleutel zijn geen cijfers te zien.")
    year, available = _year(request, viewer, jaar)
    ctx = _ctx(request)
    with ctx.db.read_session() as session:
        report = compute(session, year, corporatie=viewer.statistics_corporatie)
    charts = stats.charts_of(report, request_names(ctx), ctx.region)
    return page(
        request,
        "statistieken.html",
        viewer,
        current="statistieken",
        jaar=year,
        jaren=available,
        report=report,
        data=report.as_dict(),
        charts=charts,
    )


def _report_selection(
    request: Request, viewer: Viewer, jaar: int | None, gemeente: str | None, corporatie: str | None
) -> tuple[int, list[int], str | None, str | None]:
    year, available = _year(request, viewer, jaar)
    region = _ctx(request).region
    if gemeente == "":
        gemeente = None
    if corporatie == "":
        corporatie = None
    if gemeente is not None and region is not None and gemeente not in region.gemeente_codes:
        raise PageError(400, "Deze gemeente hoort niet bij de regio.")
    if viewer.statistics_corporatie is not None:
        corporatie = viewer.statistics_corporatie  # a corporation's report is always its own
    elif corporatie is not None and region is not None and corporatie not in {c.id for c in region.corporaties}:
        raise PageError(400, "Deze corporatie hoort niet bij de regio.")
    return year, available, gemeente, corporatie


Selection = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9._-]{0,100}$")]


@router.get("/dashboard/rapportages")
def reports(
    request: Request, viewer: CurrentViewer, jaar: Jaar = None, gemeente: Selection = None, corporatie: Selection = None
) -> Response:
    if not viewer.sees_statistics:
        raise PageError(403, "Met deze sleutel zijn geen cijfers te zien.")
    year, available, gemeente, corporatie = _report_selection(request, viewer, jaar, gemeente, corporatie)
    with _ctx(request).db.read_session() as session:
        report = compute(session, year, gemeente=gemeente, corporatie=corporatie)
    query = stats.query_string(year, gemeente, corporatie)
    return page(
        request,
        "rapportages.html",
        viewer,
        current="rapportages",
        jaar=year,
        jaren=available,
        gemeente=gemeente,
        corporatie=corporatie,
        report=report,
        data=report.as_dict(),
        query=query,
        scalars=stats.REPORT_SCALARS,
        herkomsten=HERKOMSTEN,
        labels=LABELS,
    )


@router.get("/dashboard/rapportages/rapport.{fmt}")
def report_download(
    request: Request,
    viewer: CurrentViewer,
    fmt: str,
    jaar: Jaar = None,
    gemeente: Selection = None,
    corporatie: Selection = None,
) -> Response:
    if fmt not in ("csv", "json"):
        raise PageError(404, NOT_FOUND)
    if not viewer.sees_statistics:
        raise PageError(403, "Met deze sleutel zijn geen cijfers te zien.")
    year, _available, gemeente, corporatie = _report_selection(request, viewer, jaar, gemeente, corporatie)
    with _ctx(request).db.read_session() as session:
        report: Report = compute(session, year, gemeente=gemeente, corporatie=corporatie)
    name = "-".join(part for part in ("woonbrug-rapport", str(year), gemeente, corporatie) if part)
    body, media = (to_csv(report), "text/csv") if fmt == "csv" else (to_json(report), "application/json")
    return Response(
        body.encode("utf-8"),
        media_type=f"{media}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )
