"""The vectorised Mann–Kendall test (:func:`petarawan.spatial.emerging.mann_kendall`) against
pymannkendall's ``original_test`` (Hussain & Mahmud 2019) on real series — London drug offences
per LSOA, 2011–2021 (examples/london-drugs), integer counts with many ties — and by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pymannkendall as mk
import pytest

from petarawan.spatial.emerging import mann_kendall

LONDON = Path(__file__).resolve().parents[2] / "examples" / "london-drugs" / "london-2011-2021-major-drugs.csv"


def test_equals_pymannkendall_on_real_london_series():
    years = [str(y) for y in range(2011, 2022)]
    counts = pd.read_csv(LONDON, usecols=["LSOA11CD", *years]).set_index("LSOA11CD")[years].to_numpy(float)
    rows = counts[::7]  # 690 real series (every 7th LSOA): enough ties, steady and flat series
    rows = rows[np.ptp(rows, axis=1) > 0]
    # also real series as the emerging analysis sees them: standardised (no ties, non-integers)
    z = (rows - rows.mean(axis=1, keepdims=True)) / rows.std(axis=1, keepdims=True)
    for x in (rows, z):
        s, tau, p = mann_kendall(x)
        ref = [mk.original_test(r, alpha=0.05) for r in x]
        np.testing.assert_array_equal(s, [r.s for r in ref])
        np.testing.assert_allclose(tau, [r.Tau for r in ref], rtol=0, atol=1e-15)
        np.testing.assert_allclose(p, [r.p for r in ref], rtol=1e-12, atol=1e-15)
        # the decision the emerging analysis takes: p < alpha and the sign of S
        np.testing.assert_array_equal(np.where(p < 0.05, np.sign(s), 0),
                                      [np.sign(r.s) if r.p < 0.05 else 0 for r in ref])
    assert (np.ptp(rows, axis=1) > 0).all() and len(rows) > 600
    assert len({len(np.unique(r)) for r in rows}) > 3  # series with various numbers of ties


def test_by_hand():
    # 1, 2, 3, 4: S = 6 pairs up, var = 4·3·13/18 = 26/3, Z = 5/√(26/3), τ = 1
    # 1, 1, 2, 2: S = 4, ties two groups of 2: var = (4·3·13 − 2·2·1·9)/18 = 120/18, Z = 3/√(120/18)
    # 5, 5, 5, 4: S = −3, one group of 3: var = (156 − 3·2·11)/18 = 5, Z = −2/√5
    s, tau, p = mann_kendall(np.array([[1, 2, 3, 4], [1, 1, 2, 2], [5, 5, 5, 4.0]]))
    np.testing.assert_array_equal(s, [6, 4, -3])
    np.testing.assert_allclose(tau, [1, 4 / 6, -3 / 6])
    from scipy.stats import norm

    zs = np.array([5 / np.sqrt(26 / 3), 3 / np.sqrt(120 / 18), -2 / np.sqrt(5)])
    np.testing.assert_allclose(p, 2 * norm.sf(np.abs(zs)), rtol=1e-12)
    assert p[0] == pytest.approx(0.0894, abs=1e-4)  # Z = 1.6984
