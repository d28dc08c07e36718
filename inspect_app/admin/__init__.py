"""The admin's pages: users, settings, the audit trail and the outbox."""
