import pytest

from petarawan.codes import code_level, normalise_code


@pytest.mark.parametrize("raw, expected", [
    ("19.71.01.1008", "19.71.01.1008"),
    ("1971011008", "19.71.01.1008"),
    (1971011008, "19.71.01.1008"),
    (1971011008.0, "19.71.01.1008"),   # Excel number
    ("1971011008.0", "19.71.01.1008"),  # Excel number read as text
    ("  19.71.01.1008 ", "19.71.01.1008"),
    ("1971", "19.71"),
    ("197101", "19.71.01"),
    ("19", "19"),
    ("E01000006", "E01000006"),         # a foreign scheme is kept as is
    ("", None), (None, None), (float("nan"), None), ("nan", None),
], ids=str)
def test_normalise_code(raw, expected):
    assert normalise_code(raw) == expected


def test_code_level():
    assert code_level("19.71.01.1008") == "village"
    assert code_level("19.71.01") == "district"
    assert code_level("19.71") == "regency"
    assert code_level("E01000006") is None
