"""Benchmarks of the forecasting models: accuracy on real and sample panels, speed, memory."""
