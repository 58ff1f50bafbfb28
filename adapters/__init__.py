"""Adapters connect vendor systems to Woonbrug's canonical model. This package is the SDK a vendor uses;
the reference adapters (`adapters.vera`, `adapters.soap_erp`, `adapters.csv`) are built on it and
register through the same entry points as any vendor's."""

from adapters.sdk.adapter import (
    Adapter,
    AdapterConfig,
    Capabilities,
    Decoded,
    DeliveryReceipt,
    PollResult,
    Transport,
    VendorPayload,
    messages_only,
)
from adapters.sdk.boundary import translate, vendor_boundary
from adapters.sdk.discovery import ENTRY_POINT_GROUP, AdapterRegistry, discover
from adapters.sdk.errors import (
    AdapterError,
    Location,
    MappingError,
    PermanentError,
    TransientError,
    UnsupportedOperation,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "Adapter",
    "AdapterConfig",
    "AdapterError",
    "AdapterRegistry",
    "Capabilities",
    "Decoded",
    "DeliveryReceipt",
    "Location",
    "MappingError",
    "PermanentError",
    "PollResult",
    "TransientError",
    "Transport",
    "UnsupportedOperation",
    "VendorPayload",
    "discover",
    "messages_only",
    "translate",
    "vendor_boundary",
]
