"""The recovery attack on published outputs, written independently of petarawan.privacy.

A reader is given what the rule assumes they may know: every value of the analysts' GeoPackage
that is *not* a count of 1..min_count-1 (as if every other number were public), each indicator's
normalisation (fitted here from the GeoPackage's raw/rate and normalised columns), the weights and
method from run.json.  For each area they enumerate every combination of candidate values of its
suppressed counts, compute what petarawan would publish (weighted arithmetic or geometric means,
written out below), keep the combinations consistent with what report.html and the dashboard API
show, and read off each count.  A count is *recovered* when one value is left.
"""

from __future__ import annotations

import html.parser
import itertools
import math
import re

import numpy as np
import pandas as pd

CLASSES = ("Bahaya", "Waspada", "Siaga", "Aman")


# ---------------------------------------------------------------------------------- published
class _Table(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._row = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None:
            self._row.append((self._cell or "").strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def interval(text: str) -> tuple[float, float] | None:
    """A published cell as the interval of values it allows: "45,31" → ±0.005, "30–40" →
    [30, 40], "–" or "" → None (nothing published)."""
    t = text.strip().replace(",", ".")
    if t in ("", "–", "-"):
        return None
    m = re.fullmatch(r"(-?[\d.]+)–(-?[\d.]+)", t)
    if m:
        return float(m.group(1)), float(m.group(2))
    v = float(t)
    d = len(t.split(".")[1]) if "." in t else 0
    return v - 0.5 * 10 ** -d - 1e-9, v + 0.5 * 10 ** -d + 1e-9


def report_ranking(report_html: str, code_heading: str, headings: dict[str, str]) -> dict[str, dict]:
    """Per area code, the interval of each published column of the report's ranking table."""
    p = _Table()
    p.feed(report_html)
    table = next(t for t in p.tables if t and code_heading in t[0])
    head = table[0]
    out = {}
    for row in table[1:]:
        cells = dict(zip(head, row))
        out[cells[code_heading]] = {col: interval(cells[h]) for col, h in headings.items() if h in cells}
    return out


def api_intervals(props: dict, columns: list[str]) -> dict:
    """Intervals of the dashboard API's values: exact (6 decimals), a band, or None."""
    out = {}
    for c in columns:
        v, band = props.get(c), props.get(f"{c}_band")
        if v is not None:
            out[c] = (v - 5e-7, v + 5e-7)
        elif band is not None:
            out[c] = (band[0] - 1e-9, band[1] + 1e-9)
        else:
            out[c] = None
    return out


# ---------------------------------------------------------------------------------- the model
def fitted_map(x: pd.Series, z: pd.Series) -> tuple[float, float]:
    """z = a + b x fitted through the column's extremes (min–max and z-scores are affine)."""
    ok = x.notna() & z.notna()
    x, z = x[ok].to_numpy(float), z[ok].to_numpy(float)
    i, j = int(np.argmin(x)), int(np.argmax(x))
    b = (z[j] - z[i]) / (x[j] - x[i])
    return float(z[i] - b * x[i]), float(b)


def mean(values, weights, method: str, shift: float) -> float:
    v = np.asarray(values, float)
    w = np.asarray(weights, float)
    ok = ~np.isnan(v)
    if not ok.any():
        return math.nan
    v, w = v[ok], w[ok]
    if method == "arithmetic":
        return float((w * v).sum() / w.sum())
    if method == "geometric":
        return float(math.exp((w * np.log(v + shift)).sum() / w.sum()) - shift)
    raise NotImplementedError(method)


def recover(layer: pd.DataFrame, manifest: dict, published: dict[str, dict], *, max_combos: int = 300_000):
    """Run the attack.

    Parameters
    ----------
    layer : the GeoPackage's ``areas`` attributes, index code
    manifest : run.json
    published : code → {column → interval or None} (score, dim_<d>, n_main, n_supporting, class);
        optionally ``present:<indicator>`` → True/False (a per-indicator "present" flag shown)

    Returns
    -------
    recovered : list of (code, indicator, value) — counts left with one consistent value
    apriori : list of (code, indicator) — counts with a single candidate in range (the attack
        cannot be refuted by any publication: checked separately by the caller)
    """
    cfg = manifest["config"]
    K = int(cfg["privacy"]["min_count"])
    lo, hi = cfg["index"]["range"]
    inds = cfg["indicators"]
    dims = [d["code"] for d in cfg["dimensions"]]
    agg_dim = cfg["index"]["aggregation"]
    agg_idx = cfg["index"].get("index_aggregation") or agg_dim
    steps = [s for s in manifest["method_steps"] if s["step"] == "aggregation"]
    shifts = steps[0]["params"].get("shifts", {}) or {}
    idx_shift = steps[1]["params"].get("shift", 0.0) or 0.0
    iw = {}
    for d in dims:
        members = [i for i in inds if i["dimension"] == d]
        tot = sum(float(i["weight"]) for i in members)
        iw.update({i["code"]: float(i["weight"]) / tot for i in members})
    dtot = sum(float(d["weight"]) for d in cfg["dimensions"])
    dw = {d["code"]: float(d["weight"]) / dtot for d in cfg["dimensions"]}
    maps = {}
    for i in inds:
        src = f"{i['code']}_rate" if i.get("denominator") else i["code"]
        maps[i["code"]] = fitted_map(layer[src], layer[f"{i['code']}_norm"])
    method = cfg["classification"]["method"]
    rule = sorted(cfg["classification"].get("count_rule", []), key=lambda r: CLASSES.index(r["class"]))
    bands = cfg["classification"].get("bands", {})
    recovered, apriori = [], []
    for code, row in layer.iterrows():
        small = [i for i in inds if i.get("count") and 0 < row[i["code"]] < K]
        if not small:
            continue
        cands, per_count = [], {}
        for i in small:
            a, b = maps[i["code"]]
            # the value entering the index per unit of count: 1, or the rate of one case
            per_count[i["code"]] = row[f"{i['code']}_rate"] / row[i["code"]] if i.get("denominator") else 1.0
            vals = [c for c in range(1, K) if lo - 1e-9 <= a + b * c * per_count[i["code"]] <= hi + 1e-9]
            cands.append(vals)
            if len(vals) < 2:
                apriori.append((code, i["code"]))
        if math.prod(len(c) for c in cands) > max_combos:
            continue
        pub = published[code]
        consistent = []
        for combo in itertools.product(*cands):
            z = {i["code"]: row[f"{i['code']}_norm"] for i in inds}
            raw = {i["code"]: row[i["code"]] for i in inds}
            for i, c in zip(small, combo):
                a, b = maps[i["code"]]
                z[i["code"]] = a + b * c * per_count[i["code"]]
                raw[i["code"]] = c
            d_val = {d: mean([z[i["code"]] for i in inds if i["dimension"] == d],
                             [iw[i["code"]] for i in inds if i["dimension"] == d], agg_dim, shifts.get(d, 0.0))
                     for d in dims}
            score = mean([d_val[d] for d in dims], [dw[d] for d in dims], agg_idx, idx_shift)
            n_main = sum(1 for i in inds if i.get("bnn") == "main" and _present(raw[i["code"]], i))
            n_sup = sum(1 for i in inds if i.get("bnn") == "supporting" and _present(raw[i["code"]], i))
            would = {"score": score, "n_main": n_main, "n_supporting": n_sup, **{f"dim_{d}": d_val[d] for d in dims}}
            flags = {c[len("present:"):]: v for c, v in pub.items() if c.startswith("present:") and v is not None}
            if any(_present(raw[ind], next(i for i in inds if i["code"] == ind)) != v for ind, v in flags.items()):
                continue
            if all(iv is None or iv[0] <= would[c] <= iv[1] for c, iv in pub.items() if c in would):
                if method == "count_rule":
                    cls = next((r["class"] for r in rule if n_main >= r["main"] and n_sup >= r.get("supporting", 0)),
                               "Aman")
                elif method == "bands":
                    s9 = round(score, 9)
                    cls = next((c for c in CLASSES[:3] if s9 >= bands[c]), "Aman")
                else:
                    cls = pub.get("class")  # quantiles/Jenks: breaks depend on every area; not used here
                if cls != pub.get("class"):
                    continue
                consistent.append(combo)
        assert consistent, f"{code}: the true values must be consistent with what is published"
        for u, i in enumerate(small):
            values = {c[u] for c in consistent}
            if len(values) == 1 and len(cands[u]) > 1:
                recovered.append((code, i["code"], values.pop()))
    return recovered, apriori


def _present(v: float, ind: dict) -> bool:
    at = ind.get("present_at")
    if at is None or v is None or (isinstance(v, float) and math.isnan(v)):
        return False
    return v >= at if ind.get("direction", 1) == 1 else v <= at
