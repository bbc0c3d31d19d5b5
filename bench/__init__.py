"""Benchmarks: scripts that print figures next to a raw baseline measured in the same run."""
