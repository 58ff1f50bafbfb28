"""Hostile input at the adapter boundary: text no store can hold, broken CSV, oversized SOAP replies,
spreadsheet formulas, personal data in vendor faults, and bounded property-based fuzzing of the decoders."""
