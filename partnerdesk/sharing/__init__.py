"""Sharing records: bundles between laptops, and CSV, vCard, iCalendar and HSDS files."""
