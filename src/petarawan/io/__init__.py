"""Input and output: the only place that knows about paths and file formats."""
