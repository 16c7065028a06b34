"""Benchmarks of the hub over real HTTP and in-process; run with `python -m bench`."""
