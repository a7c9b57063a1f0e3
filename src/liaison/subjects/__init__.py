"""Persons sought ("subjects"): names in every script, identity documents, charges, notices,
status history, links to requests, and the import and export of partners' lists (INTERPOL's
public notice JSON, FollowTheMoney entities, CSV)."""
