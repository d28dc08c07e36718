"""Sign-in, sessions, passwords and the user's own account."""
