"""Disciplinary cases against officials: measures by legal basis, deadlines, decisions."""
