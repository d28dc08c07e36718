"""Downloads of uploaded files, after a permission check."""
