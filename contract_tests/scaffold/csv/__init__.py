"""The `csv` skeleton `woonbrug adapter new --kind csv` copies (its own __init__.py is generated, not this one)."""
