"""Allocations: a corporation reads its own; municipalities and administrators read figures only."""
