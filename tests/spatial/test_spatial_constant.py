"""An analysed value that is the same in every area: a clear error naming the variable by its
label and the true cause (no event at all; global EB at the overall rate; equal values) — never an
internal name ('y') and never "missing or infinite" for counts that are all 0."""

from __future__ import annotations

import pandas as pd
import pytest
from spatial_fixtures import lattice

from petarawan.errors import InputError
from petarawan.spatial.config import HotspotConfig
from petarawan.spatial.analysis import analyse_hotspots

AREAS = lattice(3, 3)
POP = pd.Series(1000.0, index=AREAS.index)
LABEL = ("Kasus narkoba", "Drug cases")


def _error(counts, measure="count", population=None) -> str:
    cfg = HotspotConfig(variable="kasus", measure=measure, permutations=9, emerging=False,
                        population={"file": "pop.csv"} if population is not None else None)
    with pytest.raises(InputError) as err:
        analyse_hotspots(AREAS, counts, cfg, population=population, label=LABEL)
    (f,) = err.value.findings
    assert f.code == "hotspot_constant"
    return f.text("en")


@pytest.mark.parametrize("measure", ["count", "rate", "eb_global", "eb_spatial"])
def test_all_zero_counts_say_no_event_at_all(measure):
    zeros = pd.DataFrame({"2021": 0.0}, index=AREAS.index)
    text = _error(zeros, measure, POP if measure != "count" else None)
    assert text.startswith("'Drug cases' (")
    assert "there is no event at all in the 9 areas in period 2021 (every count is 0)" in text
    assert "missing" not in text and "infinite" not in text and "'y'" not in text and "'kasus'" not in text


def test_equal_nonzero_values_name_the_value():
    text = _error(pd.DataFrame({"2021": 3.0}, index=AREAS.index))
    assert text == ("'Drug cases' (count) is the same in every area (3) — nothing to map as hot spots: all 9 areas "
                    "have the value 3 in period 2021")


def test_equal_rates_name_the_rate_per_10000():
    # 5 cases per 1000 residents everywhere = 50 per 10,000 (s² < 0 too, but the raw rate is the measure)
    text = _error(pd.DataFrame({"2021": 5.0}, index=AREAS.index), "rate", POP)
    assert "(50 per 10,000)" in text and "all 9 areas have the value 50 per 10,000" in text


def test_default_label_is_the_variable():
    cfg = HotspotConfig(variable="kasus", permutations=9, emerging=False)
    with pytest.raises(InputError, match="'kasus' \\(count\\) is the same"):
        analyse_hotspots(AREAS, pd.DataFrame({"2021": 1.0}, index=AREAS.index), cfg)


def test_variable_labels_follow_the_indicator_that_carries_the_variable():
    from types import SimpleNamespace

    from petarawan.spatial.analysis import variable_labels

    def ind(code, lid, len_):
        return SimpleNamespace(code=code, label=lambda lang: len_ if lang == "en" else lid)

    inds = [ind("miskin", "Kemiskinan", "Poverty"), ind("count_kasus", "Kasus narkoba", "Drug cases")]
    assert variable_labels(inds, "kasus") == ("Kasus narkoba", "Drug cases")
    assert variable_labels(inds, "miskin") == ("Kemiskinan", "Poverty")
    assert variable_labels(inds, "lain") == ("lain", "lain")
