"""spaCy components of callscore and the pipeline that holds them."""
