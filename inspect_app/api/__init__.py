"""The JSON endpoints laptops sync checklists through (session cookie and CSRF header)."""
