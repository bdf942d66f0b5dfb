"""callscore: scores how well sales reps question their prospects."""

__version__ = "0.1.0"
