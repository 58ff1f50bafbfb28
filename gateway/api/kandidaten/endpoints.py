"""`/api/v1/kandidaten` (the owning corporation only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from gateway.api.auth import require
from gateway.api.common import ID_PATTERN
from gateway.api.deps import Context, read_session
from gateway.api.errors import NotFound, problem_responses
from gateway.api.kandidaten import repository
from gateway.api.kandidaten.schemas import KandidaatSamenvatting, Kandidatenoverzicht
from gateway.tenants.service import Principal, Role, Scope

router = APIRouter(prefix="/kandidaten", tags=["kandidaten"])

Owner = Annotated[Principal, Depends(require(Scope.KANDIDATEN_READ, Role.CORPORATION))]

_KEPT = (
    "id",
    "positie",
    "status",
    "detailStatus",
    "rangschikking",
    "aantalVolwassenen",
    "aantalKinderen",
    "passendheidsoort",
)


def minimise(document: dict[str, Any]) -> KandidaatSamenvatting:
    kept = {key: document[key] for key in _KEPT if key in document}
    adults, children = document.get("aantalVolwassenen"), document.get("aantalKinderen")
    if isinstance(adults, int):
        kept["huishoudgrootte"] = adults + (children if isinstance(children, int) else 0)
    return KandidaatSamenvatting.model_validate(kept)


@router.get(
    "",
    response_model=Kandidatenoverzicht,
    responses=problem_responses(401, 403, 404, 422, 429),
    summary="The ranked candidates of one of this corporation's listings (minimised)",
)
def list_kandidaten(
    ctx: Context, principal: Owner, publicatie: Annotated[str, Query(pattern=ID_PATTERN)]
) -> Kandidatenoverzicht:
    with read_session(ctx.db) as session:
        if not repository.owns(session, publicatie, principal.tenant):
            raise NotFound("there is no publicatie with this id")
        documents = repository.ranked(session, publicatie)
        count = repository.reacties(session, publicatie)
    return Kandidatenoverzicht(
        publicatie=publicatie, aantal_reacties=count, kandidaten=[minimise(d) for d in documents]
    )
