"""CCHC index rounds: self-assessment, two-round appraisal, scores, ranking and results."""
