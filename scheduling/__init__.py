"""Deadline counting for lawmeet: rest-day calendar, legal policies and the period engine."""
