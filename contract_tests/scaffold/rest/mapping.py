"""The field mapping shared by every scaffold kind (see `contract_tests.scaffold.common.mapping`).

`woonbrug adapter new` copies the common module itself into the new package as `mapping.py`.
"""

from contract_tests.scaffold.common.mapping import FIELDS, REQUIRED, ROUNDTRIP_FIELDS, from_record, to_record

__all__ = ["FIELDS", "REQUIRED", "ROUNDTRIP_FIELDS", "from_record", "to_record"]
