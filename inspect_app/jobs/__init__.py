"""Background jobs: reminders and escalation, mail delivery, and the one scheduler."""
