"""Case csv-duplicate-header-cubic: 20,000 headings 'x'.  Before: duplicates were renamed by appending
'_' until unique — cubic time (100,000 headings ran over 5 minutes).  Right: linear handling and a
clear refusal.  (Speed is measured by bench/read_limits.py, not asserted here.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from petarawan.errors import InputError
from petarawan.io.limits import Limits
from petarawan.io.tables import read_sheet

HERE = Path(__file__).parent


def test_the_case_is_refused_as_wider_than_any_spreadsheet():
    with pytest.raises(InputError) as exc:
        read_sheet(HERE / "header_20000_x.csv")
    (f,) = exc.value.findings
    assert f.code == "too_large" and "16,384" in f.text("en")  # Excel's own column limit


def test_within_the_width_cap_every_duplicate_position_is_counted():
    with pytest.raises(InputError) as exc:
        read_sheet(HERE / "header_20000_x.csv", limits=Limits(max_columns=100_000))
    (f,) = exc.value.findings
    assert (f.code, f.column) == ("duplicate_column", "x")
    assert f.text("en").startswith("20000 columns share the heading 'x': columns 2 (B), 3 (C), 4 (D), 5 (E), 6 (F), … (+19995)")  # after 'kode'
