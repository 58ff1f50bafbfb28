"""The canonical model's version. Adapters state the major version they were built for."""

from typing import Literal

SCHEMA_VERSION: Literal["v1"] = "v1"
MODEL_MAJOR = 1
