"""The canonical model's version. Adapters state the major version they were built for."""

SCHEMA_VERSION = "v1"
MODEL_MAJOR = 1
