"""The contract between the pipeline and its optional stages.

The pipeline (:mod:`petarawan.pipeline`) validates inputs, builds the composite index and the
classes, then calls each optional stage that the configuration enables (hot spots, uncertainty,
community potential, plan).  A stage is a function ``run_<stage>(ctx: StudyContext) ->
StageResult``; it reads nothing but its own input files (through :mod:`petarawan.io`) and
returns everything it wants written.  The pipeline alone writes outputs, atomically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from .config import StudyConfig
from .errors import Finding


@dataclass
class ReportSection:
    """One section of ``report.html``: a title and a body of trusted HTML (escape user text!)."""

    title: str
    html: str
    figure: str | None = None  # file name of a PNG in ``figures`` to embed at the top


@dataclass
class StageResult:
    """What a stage hands back to the pipeline.

    Attributes
    ----------
    name : str
        Stage name, key in ``run.json``.
    area_columns : DataFrame | None
        Indexed by area ``code``; columns appended to the ``areas`` layer and ranking sheet
        (analysts' working files).
    public_columns : dict[str, tuple[str, str]]
        The subset of ``area_columns`` that may be published (report ranking table, dashboard),
        with their (Bahasa Indonesia, English) headings.  Never list raw counts or values from
        which a small count can be recovered (a rate with its population, an unsuppressed count).
    layers : dict[str, GeoDataFrame]
        Extra GeoPackage layers.
    sheets : dict[str, DataFrame]
        Extra Excel sheets (sheet name → table).  Text cells are neutralised by the writer.
    manifest : dict
        JSON-serialisable record of every method choice and summary result, for ``run.json``.
    findings : list[Finding]
        Warnings and information found by the stage.
    figures : dict[str, bytes]
        PNG files (name → bytes) written beside the other outputs.
    sections : list[ReportSection]
        Sections of the HTML report.
    """

    name: str
    area_columns: pd.DataFrame | None = None
    public_columns: dict[str, tuple[str, str]] = field(default_factory=dict)
    column_labels: dict[str, tuple[str, str]] = field(default_factory=dict)
    """(Bahasa Indonesia, English) headings of the other ``area_columns`` (analysts' workbook)."""
    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    sheets: dict[str, pd.DataFrame] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    figures: dict[str, bytes] = field(default_factory=dict)
    sections: list[ReportSection] = field(default_factory=list)
    indicators: pd.DataFrame | None = None
    """Pre-index stages only: columns (index ``code``) that ``[[indicators]]`` entries with
    ``stage = "<this stage>"`` use by code (they are not read from the indicator table)."""
    payload: Any = None
    """Anything later stages need (e.g. the potential table for the plan); not written."""


@dataclass
class StudyContext:
    """Everything a stage may read.

    Attributes
    ----------
    config : StudyConfig
    study_dir : Path
    lang : {"id", "en"}
    areas : GeoDataFrame
        One row per area, index ``code`` (canonical, see :func:`petarawan.codes.normalise_code`),
        columns ``name``, ``group`` (or absent), ``geometry``; CRS as in the boundary file.
    data : DataFrame
        The indicator table joined to the areas, index ``code``, raw indicator columns.
    index : IndexResult | None
        Composite-index result (:class:`petarawan.index.composite.IndexResult`);
        ``None`` for pre-index stages.
    result : DataFrame | None
        Index ``code``: ``score``, ``class``, ``rank`` and every dimension score;
        ``None`` for pre-index stages.
    stage_results : dict[str, StageResult]
        Results of the stages that ran before this one.
    input_hashes : dict[str, str]
        File name → sha256 of every input read so far; a stage adds the files it reads.
    """

    config: StudyConfig
    study_dir: Path
    lang: str
    areas: gpd.GeoDataFrame
    data: pd.DataFrame
    index: Any = None
    result: pd.DataFrame | None = None
    input_hashes: dict[str, str] = field(default_factory=dict)
    stage_results: dict[str, StageResult] = field(default_factory=dict)
    denominators: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Validated positive columns of the indicator table (denominators, the plan's population)."""


STAGES: list[tuple[str, str, str]] = [
    # (config section, phase "pre" | "post", "module:function") — the pipeline calls each stage
    # whose section is set in petarawan.toml, pre-index stages first, in this order.
    # -- stage registry --
    ("audit", "post", "petarawan.index.audit:run_audit"),
    ("uncertainty", "post", "petarawan.index.uncertainty_report:run_uncertainty"),
    ("potential", "pre", "petarawan.potential.stage:run_potential"),
    ("plan", "post", "petarawan.plan.stage:run_plan"),
    ("hotspots", "pre", "petarawan.spatial.stage:run_hotspots"),
]
"""Optional stages.  A ``pre`` stage runs before the composite index and may return
``indicators`` that ``[[indicators]]`` entries use by code (e.g. ``gi_z`` of cases, the
community-potential score as coping capacity); a ``post`` stage sees the index and classes."""
