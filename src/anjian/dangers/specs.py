"""Registers the dangers models with the kernel (core/registry.py)."""
