"""Analyses of who holds power and where the gaps are."""
