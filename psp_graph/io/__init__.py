"""Readers (files -> records) and writers (store -> files)."""
