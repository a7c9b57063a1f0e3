"""Exchange between agency nodes: signed, encrypted envelopes on a per-peer log with receipts."""
