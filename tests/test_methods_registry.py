"""Method registries: one list of names per kind feeds the configuration, the uncertainty
alternatives and the labels."""

import pytest

from index_fixtures import make_config
from petarawan.classify import CLASSIFIERS
from petarawan.errors import ConfigError
from petarawan.i18n import method_label, t
from petarawan.index.aggregate import AGGREGATORS
from petarawan.index.normalise import NORMALISERS
from petarawan.index.treat import IMPUTERS, TREATMENTS
from petarawan.index.weights import WEIGHTINGS

REGISTRIES = [NORMALISERS, AGGREGATORS, IMPUTERS, TREATMENTS, WEIGHTINGS, CLASSIFIERS]
ONE = [{"code": "x", "label_id": "x", "dimension": "D"}]
ONE_DIM = [{"code": "D", "label_id": "D"}]


@pytest.mark.parametrize("reg", REGISTRIES, ids=lambda r: r.kind)
def test_every_method_has_both_labels(reg):
    for m in reg:
        key = f"{reg.prefix}.{m.name}"
        ids, ens = t(key, "id", lo=0, hi=100, p=2), t(key, "en", lo=0, hi=100, p=2)
        assert ids != key and ens != key and ids and ens, key


def test_registering_a_name_twice_is_refused():
    with pytest.raises(ValueError, match="already registered"):
        AGGREGATORS.add("geometric", lambda x, s, p: x)


@pytest.mark.parametrize("field,reg", [("normalisation", NORMALISERS), ("aggregation", AGGREGATORS),
                                       ("imputation", IMPUTERS)])
def test_uncertainty_alternatives_are_the_registered_names(field, reg):
    names = list(reg.names())
    cfg = make_config(ONE, ONE_DIM, uncertainty={field: names})
    assert list(getattr(cfg.uncertainty, field)) == names
    with pytest.raises(ConfigError, match="must be one of"):
        make_config(ONE, ONE_DIM, uncertainty={field: ["nonsense"]})


def test_labels_read_through_method_label():
    assert method_label("norm", "minmax", "en", lo=0, hi=10) == "min–max to 0–10"
    assert method_label("agg", "arithmetic|geometric", "en") == "arithmetic mean → geometric mean"
    assert NORMALISERS.label("percentile", "id") == "peringkat persentil (CDC SVI)"
    assert method_label("out", "coinr_winsorise_log", "en").startswith("COINr rule")
