"""Sector reporting: the targets' data sets, entry and upload, validation, the two-step approval and its store."""
