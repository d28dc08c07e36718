"""The home page for each role."""
