"""Registers the dangerstats models with the kernel (core/registry.py)."""
