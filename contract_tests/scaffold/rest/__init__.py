"""The `rest` skeleton `woonbrug adapter new --kind rest` copies (its own __init__.py is generated, not this one)."""
