"""The output layer: the QGIS style, the one style module, templates that escape."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

import petarawan.report.html  # noqa: F401  (registers the report messages)
from petarawan.report.qgis import DOCTYPE, categorized_qml
from petarawan.report.render import html_table, markup
from petarawan.style import rgb


def test_qgis_style_escapes_labels_and_values():
    nasty = 'A <b>&"x"</b>'
    qml = categorized_qml("class", [("Bahaya", nasty, "#d7191c"), ('v<&">', "plain", "#1a9641")])
    assert qml.startswith(DOCTYPE)
    root = ET.fromstring(qml[len(DOCTYPE):])  # well-formed XML whatever the labels hold
    cats = root.findall("./renderer-v2/categories/category")
    assert [(c.get("value"), c.get("label")) for c in cats] == [("Bahaya", nasty), ('v<&">', "plain")]
    assert "<b>" not in qml  # the label's markup is text, not elements
    # colours as QGIS writes them: "r,g,b,alpha" from #rrggbb (0xd7 = 215, 0x19 = 25, 0x1c = 28)
    fills = [s.find("./layer/prop[@k='color']").get("v") for s in root.findall("./renderer-v2/symbols/symbol")]
    assert fills == ["215,25,28,255", "26,150,65,255"]
    assert root.find("./renderer-v2").get("attr") == "class"
    assert root.find("./labeling/settings/text-style").get("fieldName") == "name"


def test_rgb_of_a_hex_colour():
    assert rgb("#fee44c") == (254, 228, 76)
    with pytest.raises(ValueError, match="#rrggbb"):
        rgb("red")


def test_html_table_escapes_cells_and_headings():
    import pandas as pd

    out = html_table(pd.DataFrame({"<th>": ["<script>alert(1)</script>", None]}), "id")
    assert "<script>" not in out and "&lt;script&gt;" in out and "&lt;th&gt;" in out


def test_markup_message_escapes_its_parameters():
    # the message's own <b> stays markup, the parameter (a column name from the config) is text
    out = markup("rep.reference.text", "en", col="<img src=x>")
    assert "<b>&lt;img src=x&gt;</b>" in out


def test_no_html_is_built_in_python():
    """HTML comes from the autoescaping templates in report/templates, never from Python strings
    (the messages that carry <b> are rendered through render.markup, which escapes parameters)."""
    import ast
    import re
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "src" / "petarawan"
    tag = re.compile(r"<(p|td|th|tr|table|ul|li|h[1-6]|div|span|strong)[ >]")
    found = []
    for path in src.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and tag.search(node.value):
                found.append(f"{path.relative_to(src)}:{node.lineno}")
    assert found == []
