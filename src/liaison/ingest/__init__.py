"""Press releases into draft engagements: read a ministry's report of a meeting and extract the
date, kind, place, parties, crime areas, mechanisms, agreements, programmes and commitments.

`extract.extract_bytes` is the whole extraction; `liaison ingest FILE --dry-run --format json`
prints its result as the contract other tools test against.
"""
