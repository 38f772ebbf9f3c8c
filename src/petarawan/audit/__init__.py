"""The statistical audit stage (computations in :mod:`petarawan.index.audit`)."""
