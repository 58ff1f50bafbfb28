"""The `soap` skeleton `woonbrug adapter new --kind soap` copies (its own __init__.py is generated, not this one)."""
