"""Benchmarks: each prints its figures and how to rerun it; docs/benchmarks.md keeps the results."""
