"""Benchmarks of the quota recommendation: back-test against today's rule on the sample truth."""
