"""Composite index: treatment, normalisation, weighting, aggregation, uncertainty, audit.

Public API: :func:`build_index` → :class:`IndexResult`.

The method modules (``normalise``, ``treat``, ``weights``, ``aggregate``, ``framework``) import
nothing from the configuration, so :mod:`petarawan.config` can read their registries; this
package therefore loads :mod:`.composite` (which reads the configuration) only when
``build_index`` or ``IndexResult`` is first used (PEP 562).
"""

from __future__ import annotations

__all__ = ["IndexResult", "build_index"]


def __getattr__(name: str):
    if name in __all__:
        from . import composite

        return getattr(composite, name)
    raise AttributeError(f"module 'petarawan.index' has no attribute {name!r}")
