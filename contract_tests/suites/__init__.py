"""The kit's suites, one module each: declaration, roundtrip, conformance, golden, errors, idempotency, privacy."""
