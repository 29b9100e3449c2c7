"""Duplicate detection: one scoring model for the check while registering and the batch run."""
