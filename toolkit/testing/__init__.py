"""Helpers for tests and benchmarks: the copy and random Argos test packages (:mod:`.models`)."""
