"""The working calendar: the days off and make-up working days an admin adds to the holidays."""
