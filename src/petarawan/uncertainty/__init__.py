"""The uncertainty and sensitivity stage (engine in :mod:`petarawan.index.uncertainty`)."""
