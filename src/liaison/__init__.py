"""Liaison: a platform for international law-enforcement cooperation."""

__version__ = "0.1.0"
