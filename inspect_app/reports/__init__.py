"""Reports: queries.py holds the report functions every page, PDF and email reads."""
