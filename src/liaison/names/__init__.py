"""Names across scripts: folding, script detection, romanisation and comparison keys.

Shared by the registry's search, the persons-sought capability and the screening engine, so
that a name is normalised the same way wherever it is stored, searched or matched.
"""
