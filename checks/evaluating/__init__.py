"""Evaluating: checkpoints, KPIs and document reviews as of a date."""
