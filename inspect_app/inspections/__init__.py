"""Annual plans and inspections: team, schedule, status, conclusion and files."""
