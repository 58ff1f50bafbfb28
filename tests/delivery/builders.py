"""Canonical messages for delivery tests, built from tests.factories (valid, fictional data)."""

from __future__ import annotations

import functools

from schemas import (
    InschrijvingGewijzigd,
    Message,
    MessageSource,
    Publicatie,
    PublicatieAangeboden,
    ReactieOntvangen,
    ToewijzingGedaan,
)
from tests import factories

SOURCE = MessageSource(tenant="region-test", system="gateway")


@functools.cache
def _base_publicatie() -> Publicatie:
    return factories.publicatie()


def publicatie_message(publicatie_id: str, version: int = 0, *, correlation: str | None = None) -> Message:
    """A `publicatie.aangeboden` for `publicatie_id`; `version` makes successive updates tell apart."""
    payload = _base_publicatie().model_copy(update={"id": publicatie_id, "code": f"v{version}"})
    return PublicatieAangeboden(
        message_id=f"msg-{publicatie_id}-{version}",
        correlation_id=correlation or f"flow-{publicatie_id}",
        source=SOURCE,
        payload=payload,
    )


def toewijzing_message(toewijzing_id: str = "T-6001") -> Message:
    return ToewijzingGedaan(correlation_id="flow-P-2001", source=SOURCE, payload=factories.toewijzing(id=toewijzing_id))


def inschrijving_message() -> Message:
    """Carries personal data (name, BSN, birth date, e-mail): for privacy checks."""
    return InschrijvingGewijzigd(correlation_id="flow-I-3001", source=SOURCE, payload=factories.inschrijving())


def reactie_message(kandidaat_id: str = "K-4001") -> Message:
    return ReactieOntvangen(correlation_id="flow-P-2001", source=SOURCE, payload=factories.kandidaat(id=kandidaat_id))
