"""The framework of a composite index as data: indicators → dimensions of any depth → index.

A dimension either holds indicators (a *leaf* dimension) or other dimensions (its children),
never both; a dimension without a parent feeds the index.  Two levels (indicators → dimensions
→ index) is the common case; a sub-dimension level is declared with ``parent`` on a
``[[dimensions]]`` entry, as COINr's ``iMeta`` declares ``Parent`` and ``Level`` (Becker et al.,
COINr, ``R/new_coin.R``; OECD/JRC Handbook 2008, step 1, "theoretical framework").

:class:`Framework` is a pure structure (no configuration object), validated once when built, so
the aggregation (:func:`petarawan.index.aggregate.aggregate_framework`) can trust it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..i18n import Msg, MsgError

__all__ = ["Framework"]


@dataclass(frozen=True)
class Framework:
    """Hierarchy of indicators and dimensions.

    Attributes
    ----------
    indicators : tuple[str, ...]
        Indicator codes, in the column order of the data.
    dimensions : tuple[str, ...]
        Dimension codes, in declaration order.
    indicator_parent : tuple[int, ...]
        For each indicator, the position in ``dimensions`` of its (leaf) dimension.
    dimension_parent : tuple[int, ...]
        For each dimension, the position of its parent dimension, or −1 (feeds the index).
    """

    indicators: tuple[str, ...]
    dimensions: tuple[str, ...]
    indicator_parent: tuple[int, ...]
    dimension_parent: tuple[int, ...]

    @classmethod
    def build(cls, indicators: list[tuple[str, str]], dimensions: list[tuple[str, str | None]]) -> "Framework":
        """Framework from ``[(indicator, dimension), ...]`` and ``[(dimension, parent or None), ...]``.

        Raises
        ------
        ValueError
            Duplicate codes, an unknown dimension or parent, a cycle of parents, a dimension
            holding both indicators and dimensions, or a dimension with nothing under it.
        """
        dcodes = [d for d, _ in dimensions]
        dup = sorted({c for c in dcodes if dcodes.count(c) > 1})
        if dup:
            raise MsgError(Msg("cfg.dup_dimension", codes=", ".join(dup)), at="dimensions")
        icodes = [i for i, _ in indicators]
        dup = sorted({c for c in icodes if icodes.count(c) > 1})
        if dup:
            raise MsgError(Msg("cfg.dup_indicator", codes=", ".join(dup)), at="indicators")
        pos = {c: k for k, c in enumerate(dcodes)}
        for code, dim in indicators:
            if dim not in pos:
                raise MsgError(Msg("cfg.undeclared_dimension", code=code, dim=dim, known=", ".join(dcodes)),
                               at=f"indicators[{code}].dimension")
        for code, parent in dimensions:
            if parent is not None and parent not in pos:
                raise MsgError(Msg("cfg.undeclared_parent", code=code, parent=parent, known=", ".join(dcodes)),
                               at=f"dimensions[{code}].parent")
            if parent == code:
                raise MsgError(Msg("cfg.own_parent", code=code), at=f"dimensions[{code}].parent")
        dparent = tuple(pos[p] if p is not None else -1 for _, p in dimensions)
        for k in range(len(dcodes)):  # walk up: a cycle never reaches the index
            seen, j = {k}, dparent[k]
            while j >= 0:
                if j in seen:
                    raise MsgError(Msg("cfg.parent_cycle", code=dcodes[k]), at=f"dimensions[{dcodes[k]}].parent")
                seen.add(j)
                j = dparent[j]
        holds_ind = {dim for _, dim in indicators}
        holds_dim = {p for _, p in dimensions if p is not None}
        both = [c for c in dcodes if c in holds_ind and c in holds_dim]
        if both:
            raise MsgError(Msg("cfg.mixed_dimension", codes=", ".join(both)), at="dimensions")
        empty = [c for c in dcodes if c not in holds_ind and c not in holds_dim]
        if empty:
            raise MsgError(Msg("cfg.empty_dimension", codes=", ".join(empty)), at="dimensions")
        return cls(tuple(icodes), tuple(dcodes), tuple(pos[d] for _, d in indicators), dparent)

    # -- structure -------------------------------------------------------------------------------
    @cached_property
    def leaves(self) -> tuple[int, ...]:
        """Positions of the dimensions that hold indicators."""
        return tuple(sorted(set(self.indicator_parent)))

    @cached_property
    def top(self) -> tuple[int, ...]:
        """Positions of the dimensions that feed the index."""
        return tuple(k for k, p in enumerate(self.dimension_parent) if p < 0)

    def children(self, k: int) -> tuple[int, ...]:
        """Positions of the child dimensions of dimension ``k`` (empty for a leaf)."""
        return tuple(j for j, p in enumerate(self.dimension_parent) if p == k)

    def members(self, k: int) -> tuple[int, ...]:
        """Column positions of the indicators of leaf dimension ``k``."""
        return tuple(i for i, p in enumerate(self.indicator_parent) if p == k)

    @cached_property
    def height(self) -> tuple[int, ...]:
        """1 for a leaf dimension, 1 + the largest height of its children otherwise."""
        h = [0] * len(self.dimensions)

        def rec(k: int) -> int:
            if not h[k]:
                ch = self.children(k)
                h[k] = 1 + max((rec(j) for j in ch), default=0)
            return h[k]

        for k in range(len(self.dimensions)):
            rec(k)
        return tuple(h)

    @cached_property
    def internal_levels(self) -> tuple[tuple[int, ...], ...]:
        """Non-leaf dimensions grouped by height, lowest first: each group can be aggregated once
        all lower groups are known."""
        hs = sorted({h for h in self.height if h > 1})
        return tuple(tuple(k for k, h in enumerate(self.height) if h == x) for x in hs)

    @property
    def depth(self) -> int:
        """Levels of aggregation below the index (2 for indicators → dimensions → index: 1)."""
        return max(self.height)

    def indicators_under(self, k: int) -> tuple[str, ...]:
        """Codes of every indicator below dimension ``k`` (its own, or its descendants')."""
        if k in self.leaves:
            return tuple(self.indicators[i] for i in self.members(k))
        return tuple(c for j in self.children(k) for c in self.indicators_under(j))

    def siblings(self) -> dict[int, tuple[int, ...]]:
        """Parent position (−1 = index) → positions of its child dimensions."""
        out: dict[int, list[int]] = {}
        for k, p in enumerate(self.dimension_parent):
            out.setdefault(p, []).append(k)
        return {p: tuple(v) for p, v in out.items()}

    def active_dimensions(self, active_indicators: np.ndarray | None = None) -> np.ndarray:
        """Boolean (d,): dimensions with at least one active indicator below them."""
        act = np.ones(len(self.indicators), bool) if active_indicators is None else np.asarray(active_indicators, bool)
        out = np.zeros(len(self.dimensions), bool)
        for i, p in enumerate(self.indicator_parent):
            if act[i]:
                j = p
                while j >= 0 and not out[j]:
                    out[j] = True
                    j = self.dimension_parent[j]
        return out

    def path_weight(self, dim_w: dict[str, float]) -> dict[str, float]:
        """Product of the weights from each dimension up to the index (weights within parent)."""
        out = {}
        for k, code in enumerate(self.dimensions):
            w, j = 1.0, k
            while j >= 0:
                w *= dim_w[self.dimensions[j]]
                j = self.dimension_parent[j]
            out[code] = w
        return out
