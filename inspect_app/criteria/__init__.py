"""Criteria sets of the CCHC index: versions, their node trees, Excel in and out, comparison."""
