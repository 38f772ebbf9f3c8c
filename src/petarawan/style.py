"""The one style of every petarawan output: palette, BNN class colours, fonts.

Used by the maps (:mod:`petarawan.report.mapkit` and the stage maps), the HTML report, the
dashboard (served as ``/api/run``'s ``style``) and the QGIS style stored in the GeoPackage
(:mod:`petarawan.report.qgis`).  Colours are ``#rrggbb`` strings; :func:`rgb` gives QGIS's
``r,g,b`` triple.
"""

from __future__ import annotations

CLASS_COLOURS: dict[str, str] = {"Bahaya": "#d7191c", "Waspada": "#fd8d3c", "Siaga": "#fee44c", "Aman": "#1a9641"}
"""Conventional BNN map colours: red, orange, yellow, green (worst to best)."""
CLASS_TEXT: dict[str, str] = {"Bahaya": "#ffffff", "Waspada": "#222222", "Siaga": "#222222", "Aman": "#ffffff"}
"""Readable text colour on each class colour."""
NO_SCORE_COLOUR = "#bdbdbd"
"""Areas without a score (and so without a class)."""
OUTLINE_COLOUR = "#3c3c3c"
"""Area outlines in QGIS (the maps draw their own, thinner, outlines)."""

REFERENCE_COLOURS: dict[str, str] = {"yes": "#d7191c", "no": "#f0f0f0"}
"""A published red-zone label: red for a flagged area, near-white otherwise."""

GI_COLOURS: dict[int, str] = {3: "#d7301f", 2: "#fc8d59", 1: "#fdcc8a", 0: "#e6e6e6",
                              -1: "#bdd7e7", -2: "#6baed6", -3: "#2171b5"}
"""Gi* bins as ArcGIS draws them: reds hot (99/95/90 %), light grey not significant, blues cold."""
LISA_COLOURS: dict[str, str] = {"HH": "#e31a1c", "HL": "#fb9a99", "LH": "#a6cee3", "LL": "#1f78b4", "ns": "#e6e6e6"}
"""LISA clusters as GeoDa draws them."""
TREND_COLOURS: dict[str, str] = {
    "new_hot": "#67000d", "consecutive_hot": "#a50f15", "intensifying_hot": "#d7301f", "persistent_hot": "#ef6548",
    "diminishing_hot": "#fc8d59", "sporadic_hot": "#fdbb84", "oscillating_hot": "#fdd49e", "historical_hot": "#fff0d9",
    "new_cold": "#08306b", "consecutive_cold": "#08519c", "intensifying_cold": "#2171b5", "persistent_cold": "#4292c6",
    "diminishing_cold": "#6baed6", "sporadic_cold": "#9ecae1", "oscillating_cold": "#c6dbef", "historical_cold": "#deebf7",
    "no_pattern": "#e6e6e6",
}
"""Emerging hot-spot patterns: reds hot (darkest = newest), blues cold."""
ISLAND_COLOUR = "#ffffff"
ISLAND_HATCH = "..."
"""Areas without a neighbour on a local-statistic map (Gi*, LISA, emerging): no statistic, drawn
white with dots — never the grey of "not significant"."""
NO_DATA_COLOUR = "#ffffff"
"""Areas left out of a stage map for lack of data (drawn hatched)."""

PLAN_CHOSEN_COLOUR = "#7b3294"
"""Areas chosen by the plan, where the class is not shown (dashboard)."""
PLAN_OTHER_COLOUR = "#eeeeee"
"""Areas not in the plan."""

INK: dict[str, str] = {"text": "#222222", "subtitle": "#444444", "footer": "#555555", "watermark": "#aa0000",
                       "outline": "#333333", "edge": "#777777", "edge_light": "#999999", "boundary": "#444444",
                       "missing": "#dddddd", "unknown_class": "#888888", "real": "#1a6b2f"}
"""Map ink: texts, the illustrative-data watermark, the real-data mark, area edges, study boundary, missing values."""

DENSITY_CMAP = "YlOrRd"
"""Matplotlib colour map of the incident kernel density."""
POTENTIAL_CMAP = "YlGn"
"""Matplotlib colour map of the community-potential score."""
SCORE_RAMP: tuple[str, str] = ("#fff5c8", "#a50f15")
"""Light yellow → dark red: a continuous score 0 → 100 (dashboard)."""
SOBOL_COLOURS: dict[str, str] = {"S1": "#4c72b0", "ST": "#dd8452"}
"""Bars of the Sobol sensitivity plot."""

FONT_FAMILY = '"DejaVu Sans", Arial, Helvetica, sans-serif'
"""Font stack of the report and dashboard (DejaVu Sans ships with matplotlib: the maps use it too)."""
QGIS_LABEL_FONT_SIZE = 8


def rgb(colour: str) -> tuple[int, int, int]:
    """``"#d7191c"`` → ``(215, 25, 28)``.

    Raises
    ------
    ValueError
        Not a ``#rrggbb`` colour.
    """
    if len(colour) != 7 or not colour.startswith("#"):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return tuple(int(colour[k:k + 2], 16) for k in (1, 3, 5))  # type: ignore[return-value]


def dashboard_style() -> dict:
    """The colours the dashboard draws with (JSON-ready)."""
    return {"classes": CLASS_COLOURS, "class_text": CLASS_TEXT, "no_score": NO_SCORE_COLOUR,
            "gi": {str(k): v for k, v in GI_COLOURS.items()}, "plan_chosen": PLAN_CHOSEN_COLOUR,
            "plan_other": PLAN_OTHER_COLOUR, "score_ramp": list(SCORE_RAMP), "font": FONT_FAMILY}
