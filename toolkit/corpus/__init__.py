"""Aligned parallel texts: units built from segments and translations, and their export formats.

Export formats live in :mod:`toolkit.corpus.formats` (``get_format(name).write(units, out, meta)``).
Nothing is imported here, so ``import toolkit.corpus`` stays cheap.
"""
