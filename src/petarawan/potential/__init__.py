"""Community potential (*potensi masyarakat*): the survey form, export reader and per-area scores."""
