"""Glossary-consistent offline machine translation into aligned parallel texts.

Stages, each a package: ``ingest`` → ``segment`` → ``glossary`` (match) → ``mt`` (protect, engine,
restore/verify, memory) → ``corpus`` (align, export) → ``qa`` (check).
"""

__version__ = "0.1.0"
