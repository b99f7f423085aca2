"""Registers the exchange models with the kernel (core/registry.py)."""
