"""Woonbrug contract-test kit for vendors: a pytest plugin, a runner and hypothesis strategies."""
