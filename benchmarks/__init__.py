"""Reproducible accuracy, speed and scale benchmarks; results are written as JSON to ``results/``."""
