"""Benchmarks of the ``features`` package (run ``python -m benchmarks.features.speed``)."""
