"""Registers the risks models with the kernel (core/registry.py)."""
