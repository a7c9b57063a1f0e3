"""Reports: the partner briefing for a meeting, periodic cooperation reports and statistics, as
pages, PDF, DOCX and spreadsheets. It keeps no tables of its own: every figure is read from the
registry, engagements, requests and persons sought, through the record-access gate."""

READ, EXPORT = "reports.read", "reports.export"
