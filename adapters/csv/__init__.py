"""The reference `csv` adapter: declarative YAML column mappings with Dutch CSV conventions.

A corporation that can only export and import spreadsheets connects by writing a mapping (see
`adapters/csv/mappings/` for samples): registrations and vacancies come in as canonical messages, row
by row in constant memory, with every bad row located by row and column in a rejects file; allocations
and candidate lists go out as CSV with formula injection neutralised. Files move through a drop folder.
"""

from adapters.csv.adapter import CsvAdapter, CsvConfig, ImportSummary, MappingSource
from adapters.csv.mapping import (
    DECODABLE,
    ENCODABLE,
    ExportMapping,
    ImportMapping,
    ImportPlan,
    MappingDefinitionError,
    compile_import,
    load_mapping,
)
from adapters.csv.reader import CsvReader, Problem, Rejected, detect_delimiter, detect_encoding
from adapters.csv.simulator import DropBatch, DropFolder, DroppedFile, registrations_bytes, write_registrations
from adapters.csv.writer import CsvWriter
from adapters.sdk.spreadsheet import neutralise

__all__ = [
    "DECODABLE",
    "ENCODABLE",
    "CsvAdapter",
    "CsvConfig",
    "CsvReader",
    "CsvWriter",
    "DropBatch",
    "DropFolder",
    "DroppedFile",
    "ExportMapping",
    "ImportMapping",
    "ImportPlan",
    "ImportSummary",
    "MappingDefinitionError",
    "MappingSource",
    "Problem",
    "Rejected",
    "compile_import",
    "detect_delimiter",
    "detect_encoding",
    "load_mapping",
    "neutralise",
    "registrations_bytes",
    "write_registrations",
]
