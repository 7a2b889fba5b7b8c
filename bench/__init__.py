"""Benchmark of ctgdesk at the scale of the biggest territory (see bench/README.md)."""
