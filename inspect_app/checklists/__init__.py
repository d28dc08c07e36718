"""Checklists of inspections: made from templates or criteria sets, answered on site and
synced from laptops that worked offline."""
