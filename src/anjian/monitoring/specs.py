"""Registers the monitoring models with the kernel (core/registry.py)."""
