"""Benchmarks: run each with `.venv/bin/python -m bench.<name>` from the repository root."""
