"""Calendar feeds: each user's private iCalendar address with the dates that concern them."""
