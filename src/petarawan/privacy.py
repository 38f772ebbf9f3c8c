"""Privacy rules applied to everything petarawan publishes.

- Small counts: a count ``0 < x < min_count`` is shown as ``"<min_count"`` in published outputs
  (report, map labels).  Zero is shown as 0 (it reveals no person).  This is the usual
  small-cell suppression rule of statistical offices (e.g. a threshold of 5 in CDC's and
  Eurostat's guidance); the threshold is configuration (``[privacy] min_count``).
- Formula injection: text from input files that starts with ``= + - @`` (or tab / CR) is
  neutralised before it is written to a spreadsheet (OWASP, "CSV Injection").
- Identifiers: petarawan never reads names, NIK or phone numbers into its outputs; the boundary
  file's code and name are the only text carried from input to output.
- Published values: :func:`publication` decides, per area, which scores may be published exactly,
  as a band, or not at all (below; ``docs/privacy.md``).


**The rule.**  A number published per area (dimension score, score, count of BNN indicators present,
class, rank) is a function of that area's indicator values.  Every count ``1 ≤ x < min_count`` is
shown as ``<min_count``; a published number must not let a reader compute it back.  The reader is
assumed to know everything else that is published or public: the method and weights, how each
indicator is normalised (its offset and scale), every value the dashboard shows (values that are not
small counts), and the area's population.  Against that reader:

1. *Which cells.*  In area ``i`` the cells to protect are the count indicators (``count = true``, with
   or without a denominator) whose value as entered is ``1 … min_count − 1``.
2. *Candidates.*  Each such cell could, for the reader, hold any ``c`` in ``1 … min_count − 1`` whose
   normalised value ``z(c) = a + b · v(c)`` (``v`` = the count or its rate, ``a``/``b`` the indicator's
   affine normalisation) lies inside the normalisation range.
3. *What a combination would publish.*  For every combination of candidates (the grid
   ``C_1 × … × C_U``) petarawan computes what the area would publish — its dimension scores and
   score with the run's own aggregation (:func:`petarawan.index.aggregate.aggregate_framework`; for
   geometric/harmonic/generalised means this is a weighted arithmetic mean in a transformed space,
   so the same evaluation covers them), the counts of BNN main/supporting indicators present and
   the class.
4. *Determined.*  A cell is determined at a grid point when every combination that publishes the
   same values gives that cell the same value (:func:`undetermined`).  This is stronger than "its
   unit vector lies in the row space of the published weights" (the linear criterion): it also
   catches a reader who combines one published number with the knowledge that counts are whole
   numbers.  Because the test runs over every grid point (not only the true one), the decision
   itself reveals nothing about the true values.
5. *Coarsen.*  The finest publication with no determined cell anywhere on the grid is chosen:
   values that depend on no protected cell stay exact; the score, then the dependent dimension
   scores, are published exactly, or as a band of 1, 2, 5, 10, 20, 25 or 50 % of the range
   (``"30–40"``), or withheld; then the presence counts are withheld.  If the class alone still
   determines a count, the class is published (it is the purpose of the map) and a warning says
   which indicator and how to change the framework.
6. *Conservative cases.*  Withheld outright: every dependent value when an indicator's
   normalisation is not affine in the count (rank, percentile, clipped goalposts, outlier
   treatment), under Copeland aggregation, or when this model cannot reproduce the area's values.
   A cell with a single candidate is known to a reader who knows the scale; it leaves the grid and
   the area's values are never published exactly (its scale would show).  An area's cells are
   examined in chunks of at most :data:`MAX_GRID` combinations (fewer in large studies, see
   :data:`ROW_BUDGET`); within a chunk the area's other cells keep their values — a reader who
   knows them, stronger than the one above.

Ranks, the order of tables and the numbers on the map are computed from the published values only
(a band counts as its middle), never from hidden ones.  Stage columns derived from the score
(:data:`SCORE_DERIVED_COLUMNS`) are withheld wherever the score is not exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import Finding
from .i18n import Msg

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def suppress_count(value: float | int | None, min_count: int) -> str:
    """Text for a count in a published output: ``"<5"`` for 1–4 (with ``min_count=5``).

    >>> suppress_count(3, 5), suppress_count(0, 5), suppress_count(12, 5)
    ('<5', '0', '12')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if 0 < value < min_count:
        return f"<{min_count}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def neutralise_formula(value: object) -> object:
    """Return ``value`` unchanged unless it is text that a spreadsheet would run as a formula;
    then prefix it with an apostrophe so it is shown as text.

    >>> neutralise_formula("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_formula(-3.5)
    -3.5
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# ================================================================================================
# Published values that could give a small count back
# ================================================================================================

MAX_GRID = 1024
"""Largest number of candidate combinations examined together (one chunk of an area's cells)."""
MIN_CHUNK = 4
"""Smallest chunk, whatever the study's size (one cell)."""
ROW_BUDGET = 1_000_000
"""Combinations examined per run (about): in large studies an area's cells are examined in smaller
chunks, down to one cell at a time (a reader who knows the area's other small counts)."""
BATCH_ROWS = 250_000
"""Combinations aggregated per matrix product (memory)."""

BAND_FRACTIONS = (0.0, 0.01, 0.02, 0.05, 0.10, 0.20, 0.25, 0.50)
"""Publication levels as fractions of the range (0 = exact); the level after the last is *withheld*."""

WITHHELD = len(BAND_FRACTIONS)
EXACT_DECIMALS = 6
"""Precision at which an exact value is published (dashboard API); the report shows fewer."""

SCORE_DERIVED_COLUMNS = ("rank_median", "rank_p05", "rank_p95", "p_bahaya", "p_waspada", "p_siaga", "p_aman")
"""Stage columns computed from the area's score under varied methods (uncertainty stage): withheld
wherever the score itself is not published exactly."""

_CLASS_ORDER = ("Bahaya", "Waspada", "Siaga", "Aman")
BOUNDED_NORMALISERS = ("minmax", "goalposts", "target", "percentile")
"""Normalisations whose values stay inside ``index.range``: a candidate count outside it is impossible."""


def undetermined(keys: "np.ndarray", shape: tuple[int, ...]) -> bool:
    """True when no protected cell is determined anywhere on the candidate grid.

    Parameters
    ----------
    keys : ndarray (N, Q), N = prod(shape)
        What each combination of candidates would publish (one column per published value;
        equal rows = publications a reader cannot tell apart).  Rows in C order of ``shape``.
    shape : tuple
        Number of candidates of each protected cell of the area.

    Returns
    -------
    bool
        For every combination, the combinations that publish the same row give every cell at
        least two different values: whatever the true values, a reader who sees the
        publication cannot name any one cell's value.  Checked for *every* combination, not only
        the true one, so the choice of what to publish reveals nothing either.

    Examples
    --------
    One cell with 3 candidates publishing bands 0, 0, 1: the third candidate is determined.

    >>> import numpy as np
    >>> undetermined(np.array([[0], [0], [1]]), (3,)), undetermined(np.array([[0], [0], [0]]), (3,))
    (False, True)

    Two cells (2 × 2 candidates) publishing only their sum: (1, 1) and (2, 2) are alone.

    >>> undetermined(np.array([[2], [3], [3], [4]]), (2, 2))
    False
    """
    import numpy as np

    if any(s < 2 for s in shape):
        return False
    N = int(np.prod(shape))
    keys = np.asarray(keys, float).reshape(N, -1)
    if keys.shape[1] == 0:
        return True
    _, group = np.unique(keys, axis=0, return_inverse=True)
    group = np.asarray(group).ravel()
    pos = np.indices(shape).reshape(len(shape), N)
    n_groups = int(group.max()) + 1
    for u, size in enumerate(shape):
        pairs = np.unique(group * size + pos[u])  # distinct (group, value of cell u)
        if (np.bincount(pairs // size, minlength=n_groups) < 2).any():
            return False
    return True


def band_keys(values: "np.ndarray", level: int, unit: float, lo: float, hi: float | None) -> "np.ndarray":
    """Key of the published form of ``values`` at ``level`` (:data:`BAND_FRACTIONS` index):
    the value rounded to :data:`EXACT_DECIMALS` (level 0), the band number (bands of
    ``BAND_FRACTIONS[level] · unit`` from ``lo``; the top band closed at ``hi``), or 0 for all
    (withheld).  NaN → a key of its own."""
    import numpy as np

    v = np.asarray(values, float)
    if level >= WITHHELD:
        out = np.zeros(v.shape)
    elif level == 0:
        out = np.round(v, EXACT_DECIMALS)
    else:
        w = BAND_FRACTIONS[level] * unit
        out = np.floor((v - lo) / w + 1e-9)
        if hi is not None:
            top = np.ceil((hi - lo) / w - 1e-9) - 1
            out = np.minimum(out, top)
    return np.where(np.isnan(v), -1e18, out)


def band_bounds(value: float, level: int, unit: float, lo: float, hi: float | None) -> tuple[float, float]:
    """(low, high) published for ``value`` at ``level``: (value, value) when exact, the band's
    edges (clipped to ``[lo, hi]``) for a band, (NaN, NaN) when withheld or NaN.

    >>> band_bounds(37.2, 4, 100.0, 0.0, 100.0), band_bounds(100.0, 7, 100.0, 0.0, 100.0)
    ((30.0, 40.0), (50.0, 100.0))
    """
    import math

    if value is None or (isinstance(value, float) and math.isnan(value)) or level >= WITHHELD:
        return (math.nan, math.nan)
    if level == 0:
        return (float(value), float(value))
    w = BAND_FRACTIONS[level] * unit
    k = math.floor((value - lo) / w + 1e-9)
    if hi is not None:
        k = min(k, math.ceil((hi - lo) / w - 1e-9) - 1)
    low, high = lo + k * w, lo + (k + 1) * w
    if hi is not None:
        high = min(high, hi)
        low = max(low, lo)
    return (round(low, 9), round(high, 9))


def format_published(low: float, high: float, lang: str = "id", decimals: int = 2) -> str:
    """Text of a published value: ``"45,31"`` (exact), ``"30–40"`` (band), ``"–"`` (withheld).

    >>> format_published(45.3125, 45.3125, "id"), format_published(30, 40, "en"), format_published(float("nan"), float("nan"))
    ('45,31', '30–40', '–')
    """
    import math

    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return "–"

    def num(v: float, d: int) -> str:
        s = f"{v:.{d}f}"
        return s.replace(".", ",") if lang == "id" else s

    if low == high:
        return num(low, decimals)
    d = 0 if float(low).is_integer() and float(high).is_integer() else 1
    return f"{num(low, d)}–{num(high, d)}"


def published_rank(low: "pd.Series", high: "pd.Series") -> "pd.Series":
    """Rank 1 = most prone computed from published values only: the exact value or the middle
    of the band; ties share the lowest rank (as :func:`petarawan.classify.rank`); withheld or
    missing → ``<NA>``."""
    from .classify import rank

    return rank((low + high) / 2.0)


def _nice_unit(span: float) -> float:
    """Smallest 1, 2 or 5 × 10^k not below ``span`` (the band unit of an unbounded scale)."""
    import math

    if not span > 0 or not math.isfinite(span):
        return 1.0
    e = math.floor(math.log10(span))
    for m in (1, 2, 5, 10):
        if m * 10 ** e >= span - 1e-12:
            return float(m * 10 ** e)
    return float(10 ** (e + 1))


@dataclass(frozen=True)
class Publication:
    """What may be published per area, decided by :func:`publication`.

    Attributes
    ----------
    low, high : DataFrame
        Index area code; columns ``score``, ``dim_<code>`` (every dimension), ``n_main``,
        ``n_supporting``.  Exact value: ``low == high``; band: ``low < high``; withheld or no
        value: NaN in both.
    rank : Series (Int64)
        Published rank (:func:`published_rank` of the score).
    reasons : dict[str, str]
        Area code → why its values are coarsened (``"band"``, ``"withheld:<why>"``); only
        affected areas.
    findings : list[Finding]
    min_count : int
    """

    low: "pd.DataFrame"
    high: "pd.DataFrame"
    rank: "pd.Series"
    reasons: dict
    findings: list
    min_count: int

    def exact(self, column: str) -> "pd.Series":
        """Boolean per area: ``column`` is published exactly."""
        return (self.low[column] == self.high[column]) & self.low[column].notna()

    def text(self, code: str, column: str, lang: str = "id", decimals: int = 2) -> str:
        """The published text of one value (:func:`format_published`)."""
        return format_published(float(self.low.at[code, column]), float(self.high.at[code, column]), lang, decimals)

    def values(self, column: str) -> "pd.Series":
        """The exact published values of ``column``, NaN where banded or withheld."""
        return self.low[column].where(self.exact(column))

    def stage_column(self, values: "pd.Series") -> "pd.Series":
        """A score-derived stage column (:data:`SCORE_DERIVED_COLUMNS`) as published: NaN
        wherever the score is not exact."""
        keep = self.exact("score").reindex(values.index, fill_value=False)
        return values.where(keep)

    def to_manifest(self) -> dict:
        """``run.json`` ``privacy``: the rule, the counts, and for each coarsened area the
        published (low, high) of each coarsened column (``null`` = withheld)."""
        import math

        cols = list(self.low.columns)
        coarse: dict[str, dict] = {}
        counts = {c: {"band": 0, "withheld": 0} for c in cols}
        for code in self.reasons:
            entry = {}
            for c in cols:
                lo_, hi_ = float(self.low.at[code, c]), float(self.high.at[code, c])
                if not math.isnan(lo_) and lo_ == hi_:
                    continue
                if math.isnan(lo_):
                    entry[c] = None
                    counts[c]["withheld"] += 1
                else:
                    entry[c] = [lo_, hi_]
                    counts[c]["band"] += 1
            coarse[code] = entry
        return {"min_count": self.min_count,
                "rule": "values that would let a reader compute a count 1..min_count-1 back are published as bands "
                        "or withheld (petarawan.privacy.publication; README 'Privacy')",
                "areas_coarsened": len(self.reasons), "columns": counts, "coarsened": coarse,
                "reasons": dict(self.reasons)}

    @classmethod
    def from_manifest(cls, table: "pd.DataFrame", manifest: dict) -> "Publication":
        """Rebuild the publication of a written run from its area table (exact values, index code)
        and ``run.json`` (the dashboard reads these).  A run without a ``privacy`` section (older
        than this rule) publishes no score, dimension score or presence count at all."""
        import numpy as np
        import pandas as pd

        cols = [c for c in table.columns if c in ("score", "n_main", "n_supporting") or c.startswith("dim_")]
        low = table[cols].apply(pd.to_numeric, errors="coerce").astype(float)
        high = low.copy()
        priv = manifest.get("privacy")
        if not isinstance(priv, dict):
            low[:] = np.nan
            high[:] = np.nan
            priv = {}
        for code, entry in (priv.get("coarsened") or {}).items():
            if code not in low.index or not isinstance(entry, dict):
                continue
            for c, b in entry.items():
                if c not in low.columns:
                    continue
                if b is None:
                    low.at[code, c] = high.at[code, c] = np.nan
                else:
                    low.at[code, c], high.at[code, c] = float(b[0]), float(b[1])
        rank = published_rank(low["score"], high["score"]) if "score" in low.columns else pd.Series(dtype="Int64")
        return cls(low, high, rank, dict(priv.get("reasons") or {}), [], int(priv.get("min_count", 5)))


def _affine_map(treated: "np.ndarray", norm: "np.ndarray") -> tuple[float, float] | None:
    """(a, b) with ``norm = a + b · treated`` exactly on every present value, or None."""
    import numpy as np

    ok = ~np.isnan(treated) & ~np.isnan(norm)
    t, z = treated[ok], norm[ok]
    if len(t) < 2 or np.ptp(t) == 0:
        return None
    i, j = int(np.argmin(t)), int(np.argmax(t))
    b = (z[j] - z[i]) / (t[j] - t[i])
    a = z[i] - b * t[i]
    scale = max(1.0, float(np.max(np.abs(z))))
    if not np.all(np.abs(a + b * t - z) <= 1e-7 * scale):
        return None
    return float(a), float(b)


def _class_codes(score: "np.ndarray", n_main: "np.ndarray", n_sup: "np.ndarray", config, edges) -> "np.ndarray":
    """Class index 0 (Bahaya) … 3 (Aman), −1 without score, of hypothetical areas."""
    import numpy as np

    cfg = config.classification
    s = np.asarray(score, float)
    out = np.full(s.shape, 3, dtype=np.int64)
    if cfg.method == "count_rule":
        done = np.zeros(s.shape, bool)
        for rule in sorted(cfg.count_rule, key=lambda r: _CLASS_ORDER.index(r.cls)):
            hit = ~done & (n_main >= rule.main) & (n_sup >= rule.supporting)
            out[hit] = _CLASS_ORDER.index(rule.cls)
            done |= hit
    else:
        r = np.round(s, 9)
        for k in (2, 1, 0):  # Siaga, Waspada, Bahaya lower edges
            if edges[k] is not None:
                out = np.where(r >= edges[k], k, out)
    return np.where(np.isnan(s), -1, out)


def _class_edges(config, table) -> list:
    """Lower score edge of Bahaya, Waspada, Siaga: the configured bands, or (quantiles, Jenks)
    the lowest score the run put in each class."""
    import numpy as np

    cfg = config.classification
    if cfg.method == "bands":
        return [cfg.bands["Bahaya"], cfg.bands["Waspada"], cfg.bands["Siaga"], None]
    edges = []
    for c in _CLASS_ORDER[:3]:
        s = table.loc[table["class"] == c, "score"].astype(float)
        edges.append(float(np.round(s.min(), 9)) if len(s.dropna()) else None)
    return edges + [None]


def _combine(gid: "np.ndarray", key: "np.ndarray") -> "np.ndarray":
    """Dense group numbers of the pairs (gid, key)."""
    import numpy as np
    import pandas as pd

    key = np.asarray(key)
    if key.dtype.kind != "f" or np.all(key == np.round(key)):
        k = key.astype(np.int64)
        k = k - (k.min() if len(k) else 0)
        r = int(k.max()) + 1 if len(k) else 1
        top = int(gid.max()) + 1 if len(gid) else 1
        if top * r < 2 ** 62:
            return gid * r + k
    codes = pd.factorize(key, sort=False)[0].astype(np.int64)
    gid = pd.factorize(gid, sort=False)[0].astype(np.int64)
    return gid * (int(codes.max()) + 1 if len(codes) else 1) + codes


def undetermined_many(area: "np.ndarray", keys: list, pos: "np.ndarray", n_areas: int) -> "np.ndarray":
    """:func:`undetermined` for many grids at once (the rows of all of them stacked).

    Parameters
    ----------
    area : int ndarray (R,)
        Grid number (0 … n_areas − 1) of each row.
    keys : list of ndarray (R,)
        Published keys of each row (integers or floats; equal = indistinguishable).  Keys are
        only ever compared within one grid.
    pos : int ndarray (R, U)
        Candidate number of each protected cell of the row's grid; −1 where the grid has fewer
        than U cells.
    n_areas : int

    Returns
    -------
    bool ndarray (n_areas,): True where no cell of the grid is determined anywhere on it.
    """
    import numpy as np
    import pandas as pd

    gid = np.asarray(area, np.int64)
    for k in keys:
        gid = _combine(gid, k)
    gid = pd.factorize(gid, sort=False)[0].astype(np.int64)
    n_groups = int(gid.max()) + 1 if len(gid) else 0
    group_area = np.zeros(n_groups, np.int64)
    group_area[gid] = area
    ok = np.ones(n_areas, bool)
    width = int(pos.max()) + 1 if pos.size else 1
    for u in range(pos.shape[1]):
        valid = pos[:, u] >= 0
        if not valid.any():
            continue
        _, pairs = pd.factorize(gid[valid] * width + pos[valid, u], sort=False)
        distinct = np.bincount(np.asarray(pairs) // width, minlength=n_groups)
        ok[group_area[(distinct == 1)]] = False
    return ok


def _search(chunk, owner, score, dims, dep, cls, presence, pos, n_areas, least, *, score_unit, dim_units, lo, top):
    """Per area the finest (score level, dimension level, presence published) with no determined
    cell in any of its chunks (:func:`undetermined_many`): the score's precision first, then the
    dimension scores'; presence counts withheld only when nothing else works; level −1 where even
    the class alone determines a cell.  Levels index :data:`BAND_FRACTIONS` (``WITHHELD`` =
    withheld).  ``chunk`` (R,): chunk of each row; ``owner`` (C,): area of each chunk."""
    import numpy as np

    A = n_areas
    area = owner[chunk]
    ls = np.full(A, WITHHELD)
    ld = np.full(A, WITHHELD)
    with_presence = _combine(_combine(np.asarray(cls, np.int64) + 1, presence[0]), presence[1])
    plain = np.asarray(cls, np.int64) + 1

    def ok(ls_a, ld_a, wp_a, areas_in):
        rows = np.flatnonzero(areas_in[area])
        a_r = area[rows]
        keys = [np.where(wp_a[a_r], with_presence[rows], -1 - plain[rows]),
                _band_levels(score[rows], ls_a[a_r], score_unit, lo, top)]
        for j in range(dims.shape[1]):
            lvl = np.where(dep[a_r, j], ld_a[a_r], WITHHELD)
            if np.all(lvl == WITHHELD):
                continue
            keys.append(_band_levels(dims[rows, j], lvl, dim_units[j], lo, top))
        ch = chunk[rows]  # rows of a chunk are contiguous: renumber the chunks present 0, 1, …
        start = np.r_[True, ch[1:] != ch[:-1]] if len(ch) else np.zeros(0, bool)
        local = np.cumsum(start) - 1
        sub_chunks = ch[start]
        good_chunk = undetermined_many(local, keys, pos[rows], len(sub_chunks))
        bad = np.bincount(owner[sub_chunks[~good_chunk]], minlength=A) > 0
        return areas_in & ~bad

    everyone = np.ones(A, bool)
    with_p = ok(ls, ld, everyone, everyone)
    solvable = with_p | ok(ls, ld, with_p, ~with_p)
    for target in ("score", "dims"):
        refining = solvable.copy()
        for level in range(WITHHELD - 1, -1, -1):
            step = refining & (level >= least)
            if not step.any():
                break
            trial_ls, trial_ld = ls.copy(), ld.copy()
            (trial_ls if target == "score" else trial_ld)[step] = level
            good = ok(trial_ls, trial_ld, with_p, step)
            (ls if target == "score" else ld)[good] = level
            refining = good
    ls[~solvable] = -1
    return ls, ld, with_p


def _band_levels(values: "np.ndarray", levels: "np.ndarray", unit: float, lo: float, top: float | None) -> "np.ndarray":
    """:func:`band_keys` with a level per value (the level of each value's area)."""
    import numpy as np

    v = np.asarray(values, float)
    levels = np.broadcast_to(np.asarray(levels), v.shape)
    frac = np.asarray(BAND_FRACTIONS + (1.0,))[np.minimum(levels, WITHHELD)]
    w = np.where(frac > 0, frac * unit, 1.0)
    k = np.floor((v - lo) / w + 1e-9)
    if top is not None:
        k = np.minimum(k, np.ceil((top - lo) / w - 1e-9) - 1)
    out = np.where(levels == 0, np.round(v, EXACT_DECIMALS), k)
    out = np.where(levels >= WITHHELD, 0.0, out)
    return np.where(np.isnan(v), -2.0 ** 40, out)


def _rows_needed(sizes: list[int], G: int) -> int:
    """Combinations examined when cells of ``sizes`` candidates are chunked greedily to ≤ ``G``."""
    total, cur = 0, 1
    for n_ in sizes:
        if cur > 1 and cur * n_ > G:
            total, cur = total + cur, 1
        cur *= n_
    return total + cur


def _bounds_many(values: "np.ndarray", levels: "np.ndarray", unit: float, lo: float,
                 top: float | None) -> tuple["np.ndarray", "np.ndarray"]:
    """:func:`band_bounds` for arrays of values and levels."""
    import numpy as np

    v = np.asarray(values, float)
    levels = np.asarray(levels)
    frac = np.asarray(BAND_FRACTIONS + (1.0,))[np.minimum(levels, WITHHELD)]
    w = np.where(frac > 0, frac * unit, 1.0)
    k = np.floor((v - lo) / w + 1e-9)
    if top is not None:
        k = np.minimum(k, np.ceil((top - lo) / w - 1e-9) - 1)
    low, high = lo + k * w, lo + (k + 1) * w
    if top is not None:
        low, high = np.maximum(low, lo), np.minimum(high, top)
    low, high = np.round(low, 9), np.round(high, 9)
    low = np.where(levels == 0, v, low)
    high = np.where(levels == 0, v, high)
    gone = (levels >= WITHHELD) | np.isnan(v)
    return np.where(gone, np.nan, low), np.where(gone, np.nan, high)


def publication(config, data: "pd.DataFrame", index, table: "pd.DataFrame",
                denominators: "pd.DataFrame | None" = None) -> Publication:
    """Decide what may be published per area so that no small count can be computed back.

    This is the published-columns rule of every publishing output (report, maps, dashboard,
    office server); see the module section above for the rule and its reader model.

    Parameters
    ----------
    config : StudyConfig
    data : DataFrame (n × m)
        Indicator values as entered (counts, not rates), index area code.
    index : IndexResult
        ``raw`` (values entering the index: rates where a denominator is set), ``treated``,
        ``normalised`` (n × m), ``dimensions``, ``score``.
    table : DataFrame
        Index area code; ``score``, ``class``, ``n_main``, ``n_supporting`` and ``dim_<code>``
        for every dimension (the index stage's table).
    denominators : DataFrame, optional
        The denominator columns (rates per ``per`` units), index area code.

    Returns
    -------
    Publication

    Notes
    -----
    Cost: one evaluation of the aggregation per candidate combination (at most
    :data:`MAX_GRID` per area), all areas stacked in one matrix, then about 20 grouped sorts of
    all combinations to choose the levels.
    """
    import numpy as np
    import pandas as pd

    from .index.aggregate import aggregate_framework
    from .index.composite import nominal_weights

    K = int(config.privacy.min_count)
    ix = config.index
    lo, hi = (float(v) for v in ix.range)
    bounded = ix.normalisation in BOUNDED_NORMALISERS  # the scores' range (bands are cut from it)
    fw = config.framework
    codes = list(fw.indicators)
    specs = {i.code: i for i in config.indicators}
    areas = index.normalised.index
    n, m = len(areas), len(codes)
    dim_cols = [f"dim_{d}" for d in fw.dimensions]
    tab = table.reindex(areas)
    cols = ["score"] + dim_cols + ["n_main", "n_supporting"]
    vals = pd.DataFrame({c: pd.to_numeric(tab[c], errors="coerce").astype(float) if c in tab.columns
                         else np.nan for c in cols}, index=areas)
    low, high = vals.copy(), vals.copy()
    reasons: dict[str, str] = {}
    findings: list[Finding] = []
    empty = Publication(low, high, published_rank(low["score"], high["score"]), reasons, findings, K)
    if K <= 1:
        return empty

    norm = index.normalised[codes].to_numpy(float)
    entered = data.reindex(areas)[codes].apply(pd.to_numeric, errors="coerce").to_numpy(float)
    counts = np.array([bool(specs[c].count) for c in codes])
    small = counts[None, :] & (entered > 0) & (entered < K) & ~np.isnan(norm)
    if not small.any():
        return empty

    # -- each count indicator's map from a count to its normalised value, and its candidates
    treated = index.treated.reindex(areas)[codes].to_numpy(float)
    into = index.raw.reindex(areas)[codes].to_numpy(float)
    c_all = np.arange(1, K, dtype=float)
    cand_z = np.full((n, m, K - 1), np.nan)  # normalised value of each candidate count; NaN = impossible
    opaque = np.zeros(m, bool)
    for k in np.flatnonzero(small.any(axis=0)):
        spec = specs[codes[k]]
        same = np.allclose(np.nan_to_num(into[:, k]), np.nan_to_num(treated[:, k]), rtol=1e-12, atol=1e-12)
        ab = _affine_map(treated[:, k], norm[:, k]) if same else None
        if ab is None:
            opaque[k] = True
            continue
        rows = np.flatnonzero(small[:, k])
        v = np.repeat(c_all[None, :], len(rows), axis=0)
        if spec.denominator:
            den = (denominators.reindex(areas)[spec.denominator].to_numpy(float)[rows]
                   if denominators is not None and spec.denominator in denominators.columns else np.full(len(rows), np.nan))
            v = v / den[:, None] * spec.per
        z = ab[0] + ab[1] * v
        fits = np.isfinite(z)
        if config.normalisation_of(codes[k]) in BOUNDED_NORMALISERS:
            tol = 1e-9 * max(1.0, abs(lo), abs(hi))
            fits &= (z >= lo - tol) & (z <= hi + tol)
        cand_z[rows, k] = np.where(fits, z, np.nan)
    aggs = (ix.level_aggregation("dimension"), ix.level_aggregation("index"))
    under = [set(fw.indicators_under(j)) for j in range(len(fw.dimensions))]
    code_pos = {c: k for k, c in enumerate(codes)}
    dep_all = np.zeros((n, len(dim_cols)), bool)
    for j, u in enumerate(under):
        dep_all[:, j] = small[:, [code_pos[c] for c in u]].any(axis=1)
    area_codes = np.asarray(areas, dtype=object)
    why = np.full(n, "", dtype=object)  # why an area's dependent values are withheld outright

    # -- the protected cells and their candidates.  A cell with one candidate is known to a reader
    #    who knows the scale: left out of the grid, but the area's values are then never exact.
    fit_mask = ~np.isnan(cand_z)
    true_idx = np.clip(np.rint(np.nan_to_num(entered)) - 1, 0, K - 2).astype(np.int64)
    at = np.take_along_axis(cand_z, true_idx[:, :, None], axis=2)[:, :, 0]
    true_ok = np.isclose(entered, np.rint(entered)) & np.isclose(at, norm, rtol=1e-9, atol=1e-9)
    ci, ck = np.nonzero(small)
    if "copeland" in aggs:
        why[np.unique(ci)] = "copeland"
    why[np.unique(ci[opaque[ck]])] = np.where(why[np.unique(ci[opaque[ck]])] == "", "not_affine",
                                              why[np.unique(ci[opaque[ck]])])
    bad_model = ~opaque[ck] & ~true_ok[ci, ck]
    why[np.unique(ci[bad_model])] = np.where(why[np.unique(ci[bad_model])] == "", "model", why[np.unique(ci[bad_model])])
    nfit = fit_mask[ci, ck].sum(axis=1)
    lone = (nfit < 2) & (why[ci] == "")
    known_scale = np.zeros(n, bool)
    known_scale[ci[lone]] = True
    apriori: dict[str, set[str]] = {}
    for i, k in zip(ci[lone], ck[lone]):
        apriori.setdefault(codes[k], set()).add(area_codes[i])
    keep = (why[ci] == "") & ~lone
    leaf = np.array(fw.indicator_parent)
    order = np.lexsort((ck[keep], leaf[ck[keep]], ci[keep]))  # by area, then dimension, then indicator
    ci, ck = ci[keep][order], ck[keep][order]
    nfit = fit_mask[ci, ck].sum(axis=1)
    fit_list = np.argsort(~fit_mask[ci, ck], axis=1, kind="stable")  # fitting candidates first, in order
    truth = np.cumsum(fit_mask[ci, ck], axis=1)[np.arange(len(ci)), true_idx[ci, ck]] - 1
    graded = np.flatnonzero(small.any(axis=1) & (why == ""))  # areas decided by the search
    A = len(graded)
    area_no = np.full(n, -1)
    area_no[graded] = np.arange(A)

    # -- chunks: an area's cells examined together, at most G combinations each (cells of one
    #    dimension together); the other cells stay at their values — a reader who knows them,
    #    stronger than the one the rule protects against.  G shrinks in large studies.
    budget = max(ROW_BUDGET // max(1, A), MIN_CHUNK)
    cell_chunk = np.empty(len(ci), np.int64)
    chunk_owner: list[int] = []
    first = np.r_[True, ci[1:] != ci[:-1]] if len(ci) else np.zeros(0, bool)
    starts_c = np.flatnonzero(first)
    ends_c = np.r_[starts_c[1:], len(ci)]
    nchunk = 0
    for s0, s1 in zip(starts_c, ends_c):
        sizes_ = nfit[s0:s1].tolist()
        G = MAX_GRID
        while G > MIN_CHUNK and _rows_needed(sizes_, G) > budget:
            G //= 2
        cur = 1
        for j, sz in enumerate(sizes_):
            if j == 0 or cur * sz > G:
                chunk_owner.append(int(area_no[ci[s0]]))
                nchunk += 1
                cur = 1
            cell_chunk[s0 + j] = nchunk - 1
            cur *= sz
    for i in graded[~np.isin(graded, ci)]:  # areas whose every cell has one candidate
        chunk_owner.append(int(area_no[i]))
        nchunk += 1
    owner = np.array(chunk_owner, np.int64)
    class_reveals: dict[str, set[str]] = {}

    if A:
        # -- the rows: every combination of every chunk, grouped by the chunk's shape
        chunk_cells = [[] for _ in range(nchunk)]
        for c_id, cell in zip(cell_chunk.tolist(), range(len(ci))):
            chunk_cells[c_id].append(cell)
        shapes: dict[tuple, list[int]] = {}
        for c_id, cells in enumerate(chunk_cells):
            shapes.setdefault(tuple(int(nfit[c]) for c in cells), []).append(c_id)
        R = sum(int(np.prod(sh)) * len(ids) for sh, ids in shapes.items())
        U = max(max((len(c) for c in chunk_cells), default=0), 1)
        block = np.empty((R, m))
        pos = np.full((R, U), -1, np.int64)
        chunk_row = np.empty(R, np.int64)
        nm = np.empty(R)
        ns = np.empty(R)
        truth_row = np.empty(nchunk, np.int64)
        base_nm = vals["n_main"].to_numpy(float)
        base_ns = vals["n_supporting"].to_numpy(float)
        present = np.zeros((m, K - 1), bool)
        kind = np.array([{"main": 1, "supporting": 2}.get(specs[c].bnn, 0) for c in codes])
        for k in range(m):
            if kind[k]:
                sp = specs[codes[k]]
                present[k] = (c_all >= sp.present_at) if sp.direction == 1 else (c_all <= sp.present_at)
        off = 0
        for sh, ids in shapes.items():
            ids = np.array(ids)
            N = int(np.prod(sh))
            rows = off + np.arange(len(ids))[:, None] * N + np.arange(N)[None, :]  # (chunks, N)
            home = graded[owner[ids]]
            block[rows.ravel()] = np.repeat(norm[home], N, axis=0)
            chunk_row[rows.ravel()] = np.repeat(ids, N)
            nm[rows.ravel()] = np.repeat(base_nm[home], N)
            ns[rows.ravel()] = np.repeat(base_ns[home], N)
            idx = np.indices(sh).reshape(len(sh), N) if sh else np.zeros((0, 1), np.int64)
            cells = np.array([chunk_cells[c] for c in ids], np.int64).reshape(len(ids), len(sh))
            for u in range(len(sh)):
                cu = cells[:, u]
                cand = fit_list[cu][:, idx[u]]  # (chunks, N) candidate numbers
                kk = ck[cu]
                block[rows, kk[:, None]] = cand_z[ci[cu][:, None], kk[:, None], cand]
                pos[rows, u] = idx[u][None, :]
                bnn_k = kind[kk]
                if bnn_k.any():
                    delta = (present[kk[:, None], cand].astype(float)
                             - present[kk, true_idx[ci[cu], kk]].astype(float)[:, None])
                    nm[rows] += np.where((bnn_k == 1)[:, None], delta, 0.0)
                    ns[rows] += np.where((bnn_k == 2)[:, None], delta, 0.0)
            t_pos = truth[cells] if len(sh) else np.zeros((len(ids), 0), np.int64)
            truth_row[ids] = off + np.arange(len(ids)) * N + (
                np.ravel_multi_index(tuple(t_pos.T), sh) if len(sh) else 0)
            off += len(ids) * N

        # -- what each combination would publish, with the run's own aggregation
        dropped = np.array([c in set(getattr(index, "dropped", ())) for c in codes])
        ind_w, dim_w, _ = nominal_weights(config, index.normalised[codes], dropped=dropped)
        iw = np.array([ind_w[c] for c in codes], float)
        dw = np.array([dim_w[d] for d in fw.dimensions], float)
        dims_g = np.empty((R, len(fw.dimensions)))
        score_g = np.empty(R)
        for b0 in range(0, R, BATCH_ROWS):  # the real rows ride along: shifts of geometric means see the data
            d_, s_, _ = aggregate_framework(np.vstack([norm, block[b0:b0 + BATCH_ROWS]]), fw, iw, dw,
                                            ix.aggregation_spec(), active=~dropped)
            real_dims, real_score = d_[:n], s_[:n]
            dims_g[b0:b0 + BATCH_ROWS], score_g[b0:b0 + BATCH_ROWS] = d_[n:], s_[n:]
        del block
        # the model must reproduce the run: the real rows and each chunk's true combination
        actual_dims = index.dimensions.reindex(areas)[list(fw.dimensions)].to_numpy(float)
        actual_score = index.score.reindex(areas).to_numpy(float)
        ai = graded[owner]
        fine = (np.isclose(dims_g[truth_row], actual_dims[ai], rtol=1e-9, atol=1e-7, equal_nan=True).all(axis=1)
                & (np.isclose(score_g[truth_row], actual_score[ai], rtol=1e-9, atol=1e-7) | np.isnan(actual_score[ai])))
        real_ok = (np.isclose(real_dims, actual_dims, rtol=1e-9, atol=1e-7, equal_nan=True).all(axis=1)
                   & (np.isclose(real_score, actual_score, rtol=1e-9, atol=1e-7) | np.isnan(actual_score)))
        model_bad = np.zeros(A, bool)
        model_bad[owner[~fine]] = True
        model_bad |= ~real_ok[graded]

        # -- the finest publication of each area at which no cell is determined
        edges = _class_edges(config, tab)
        cls_g = _class_codes(score_g, nm, ns, config, edges)
        span = {c: float(np.nanmax(vals[c]) - np.nanmin(vals[c])) if vals[c].notna().any() else 1.0 for c in cols}
        unit = {c: (hi - lo) if bounded else _nice_unit(span[c]) for c in cols}
        top = hi if bounded else None
        least = np.where(known_scale[graded], 1, 0)
        ls, ld, with_p = _search(chunk_row, owner, score_g, dims_g, dep_all[graded], cls_g, (nm, ns), pos, A, least,
                                 score_unit=unit["score"], dim_units=[unit[c] for c in dim_cols], lo=lo, top=top)
        stuck = (ls < 0) & ~model_bad  # the class alone determines a count: publish it, withhold the rest, warn
        for a_ in np.flatnonzero(stuck):
            for k in ck[ci == graded[a_]]:
                class_reveals.setdefault(codes[k], set()).add(area_codes[graded[a_]])
        ls[stuck], ld[stuck], with_p[stuck] = WITHHELD, WITHHELD, False
        why[graded[model_bad]] = "model"
        done = ~model_bad & ~((ls == 0) & (ld == 0) & with_p)
        lo_a, hi_a = low.to_numpy(copy=True), high.to_numpy(copy=True)
        col = {c: j for j, c in enumerate(cols)}
        rows_a = graded[done]
        l_s, l_d, w_p = ls[done], ld[done], with_p[done]
        lo_a[rows_a, col["score"]], hi_a[rows_a, col["score"]] = _bounds_many(vals["score"].to_numpy()[rows_a], l_s,
                                                                               unit["score"], lo, top)
        for j, c in enumerate(dim_cols):
            d = dep_all[rows_a, j]
            b_lo, b_hi = _bounds_many(vals[c].to_numpy()[rows_a], l_d, unit[c], lo, top)
            lo_a[rows_a[d], col[c]], hi_a[rows_a[d], col[c]] = b_lo[d], b_hi[d]
        for c in ("n_main", "n_supporting"):
            lo_a[rows_a[~w_p], col[c]] = hi_a[rows_a[~w_p], col[c]] = np.nan
        low = pd.DataFrame(lo_a, index=areas, columns=cols)
        high = pd.DataFrame(hi_a, index=areas, columns=cols)
        for i, l_ in zip(rows_a, l_s):
            reasons[area_codes[i]] = "band" if l_ < WITHHELD else "withheld"

    for i in np.flatnonzero(why != ""):
        code = area_codes[i]
        for c in ["score", *(dim_cols[j] for j in np.flatnonzero(dep_all[i]))]:
            low.at[code, c] = high.at[code, c] = np.nan
        if any(specs[codes[k]].bnn for k in np.flatnonzero(small[i])):
            for c in ("n_main", "n_supporting"):
                low.at[code, c] = high.at[code, c] = np.nan
        reasons[code] = f"withheld:{why[i]}"

    findings += _publication_findings(reasons, low, high, vals, apriori, class_reveals, K, config)
    return Publication(low, high, published_rank(low["score"], high["score"]), reasons, findings, K)


def _publication_findings(reasons, low, high, vals, apriori, class_reveals, K, config) -> list[Finding]:
    import numpy as np

    out: list[Finding] = []
    if reasons:
        banded = sum(1 for c in reasons if reasons[c] == "band")
        withheld = len(reasons) - banded
        out.append(Finding("info", "published_coarsened",
                           Msg("f.published_coarsened", n=len(reasons), top=K - 1, banded=banded, withheld=withheld)))
    for ind, codes in sorted(apriori.items()):
        out.append(Finding("info", "count_scale_small", Msg("f.count_scale_small", indicator=ind, n=len(codes), top=K - 1),
                           column=ind, expected=Msg("x.count_scale_small")))
    for ind, codes in sorted(class_reveals.items()):
        out.append(Finding("warning", "class_reveals_count", Msg("f.class_reveals_count", indicator=ind, n=len(codes)),
                           column=ind, expected=Msg("x.class_reveals_count")))
    return out


_MEMO: dict[int, tuple[object, Publication]] = {}


def publication_of(obj) -> Publication:
    """:func:`publication` of a :class:`~petarawan.pipeline.RunResult` or a stage's
    :class:`~petarawan.stages.StudyContext` (after the index), computed once per index result."""
    index = obj.index
    hit = _MEMO.get(id(index))
    if hit is not None and hit[0] is index:
        return hit[1]
    config = obj.study.config if hasattr(obj, "study") else obj.config
    dens = obj.study.denominators if hasattr(obj, "study") else getattr(obj, "denominators", None)
    table = obj.result
    pub = publication(config, obj.data, index, table, dens)
    if len(_MEMO) > 8:
        _MEMO.clear()
    _MEMO[id(index)] = (index, pub)
    return pub


def published_result(res) -> "pd.DataFrame":
    """``res.result`` as it may be published: ``score``, dimension scores, ``n_main``,
    ``n_supporting`` exact where :func:`publication` allows and NaN where banded or withheld (the
    band text comes from :meth:`Publication.text`), ``rank`` = the published rank, and the
    score-derived stage columns (:data:`SCORE_DERIVED_COLUMNS`) NaN where the score is not exact."""
    pub = publication_of(res)
    r = res.result.copy()
    for c in pub.low.columns:
        if c in r.columns:
            r[c] = pub.values(c).reindex(r.index)
    r["rank"] = pub.rank.reindex(r.index)
    for c in SCORE_DERIVED_COLUMNS:
        if c in r.columns:
            r[c] = pub.stage_column(r[c])
    return r
