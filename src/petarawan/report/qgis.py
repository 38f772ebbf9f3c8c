"""QGIS style documents (QML) for the GeoPackage layers, built with :mod:`xml.etree.ElementTree`
so every label and value is escaped (a class label with ``<``, ``&`` or ``"`` stays text).

Colours come from :mod:`petarawan.style`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from ..style import OUTLINE_COLOUR, QGIS_LABEL_FONT_SIZE, rgb

DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
QGIS_VERSION = "3.28.0"


def _qgis_colour(colour: str) -> str:
    r, g, b = rgb(colour)
    return f"{r},{g},{b},255"


def _fill_symbol(parent: ET.Element, name: str, colour: str) -> None:
    sym = ET.SubElement(parent, "symbol", {"type": "fill", "name": name, "alpha": "1", "clip_to_extent": "1",
                                           "force_rhr": "0"})
    layer = ET.SubElement(sym, "layer", {"class": "SimpleFill", "enabled": "1", "locked": "0", "pass": "0"})
    props = {"color": _qgis_colour(colour), "outline_color": _qgis_colour(OUTLINE_COLOUR), "outline_width": "0.26",
             "style": "solid"}
    options = ET.SubElement(layer, "Option", {"type": "Map"})
    for k, v in props.items():
        ET.SubElement(options, "Option", {"name": k, "type": "QString", "value": v})
    for k, v in props.items():
        ET.SubElement(layer, "prop", {"k": k, "v": v})


def categorized_qml(field: str, categories: Sequence[tuple[str, str, str]], *, label_field: str = "name") -> str:
    """A categorised fill style: one symbol per ``(value, label, "#rrggbb")`` in legend order
    (value ``""`` matches features without a value), with simple labels of ``label_field``.

    Returns
    -------
    str
        The QML document (``<!DOCTYPE qgis …><qgis …>…</qgis>``), as QGIS stores it in a
        GeoPackage's ``layer_styles.styleQML``.
    """
    root = ET.Element("qgis", {"version": QGIS_VERSION, "styleCategories": "Symbology|Labeling"})
    renderer = ET.SubElement(root, "renderer-v2", {"type": "categorizedSymbol", "attr": field, "symbollevels": "0",
                                                    "enableorderby": "0", "forceraster": "0"})
    cats = ET.SubElement(renderer, "categories")
    syms = ET.SubElement(renderer, "symbols")
    for i, (value, label, colour) in enumerate(categories):
        ET.SubElement(cats, "category", {"render": "true", "symbol": str(i), "value": value, "label": label})
        _fill_symbol(syms, str(i), colour)
    labeling = ET.SubElement(root, "labeling", {"type": "simple"})
    settings = ET.SubElement(labeling, "settings", {"calloutType": "simple"})
    text = ET.SubElement(settings, "text-style", {"fieldName": label_field, "fontSize": str(QGIS_LABEL_FONT_SIZE),
                                                  "textColor": "0,0,0,255"})
    ET.SubElement(text, "text-buffer", {"bufferDraw": "1", "bufferSize": "0.8", "bufferColor": "255,255,255,255"})
    ET.SubElement(settings, "placement", {"placement": "1"})
    return DOCTYPE + ET.tostring(root, encoding="unicode")
