"""Composite index: treatment, normalisation, weighting, aggregation, uncertainty, audit.

Public API: :func:`build_index` → :class:`IndexResult`.
"""

from .composite import IndexResult, build_index

__all__ = ["IndexResult", "build_index"]
