"""Every output of a run, assembled from its :class:`~petarawan.pipeline.RunResult` and written
atomically: ``petarawan.gpkg``, ``petarawan.xlsx``, ``map.png`` (``rujukan.png`` with a reference label) and the
stages' figures,
``report.html`` and ``run.json``.

:func:`build_outputs` says *what* is written (presentation comes from :mod:`petarawan.report`);
:mod:`petarawan.io.writers` knows *how* each format is written; :func:`write_outputs` writes them
into a temporary folder swapped in only when every file exists.
"""

from __future__ import annotations

import platform
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd

from . import fmt
from .config import CLASSES
from .i18n import t
from .io.digest import table_hashes
from .io.readers import sha256
from .io.writers import GeoPackage, LayerStyle, Output, Workbook, atomic_dir, jsonable, write_json
from .privacy import publication_of
from .report.html import render_report
from .report.maps import class_map_png, reference_map_png
from .report.qgis import categorized_qml
from .index.explain import contributions
from .report.tables import workbook_sheets
from .style import CLASS_COLOURS, NO_SCORE_COLOUR

if TYPE_CHECKING:
    from .pipeline import RunResult

MANIFEST_NAME = "run.json"


def areas_layer(res: "RunResult") -> gpd.GeoDataFrame:
    """Layer ``areas``: one feature per area with code, name, score, class, rank, dimension
    scores, stage columns, then each indicator's value as entered, its rate (``<code>_rate``, when
    it has a denominator), its normalised value (``<code>_norm``) and, under arithmetic means, its
    contribution to the score in points (``<code>_contrib``, :func:`petarawan.index.explain.contributions`)."""
    cfg = res.study.config
    areas = res.study.areas
    table = res.result.copy()
    for spec in cfg.indicators:
        table[spec.code] = res.data[spec.code].reindex(table.index)
        if spec.denominator:
            table[f"{spec.code}_rate"] = res.index.raw[spec.code].reindex(table.index)
        table[f"{spec.code}_norm"] = res.index.normalised[spec.code].reindex(table.index)
    contrib = contributions(res.index, cfg)
    if contrib is not None:  # score points per indicator (arithmetic means): they add up to the score
        for spec in cfg.indicators:
            table[f"{spec.code}_contrib"] = contrib[spec.code].reindex(table.index)
    return gpd.GeoDataFrame(table.reset_index(), geometry=areas.geometry.values, crs=areas.crs)


def class_style(lang: str) -> LayerStyle:
    """The QGIS default style of the ``areas`` layer: BNN classes in BNN colours, labelled by name."""
    cats = [(c, t(f"class.{c}", lang), CLASS_COLOURS[c]) for c in CLASSES] + [("", t("class.none", lang), NO_SCORE_COLOUR)]
    return LayerStyle("kelas BNN", categorized_qml("class", cats), "petarawan: kelas BNN")


def layer_description(res: "RunResult", layer: str) -> str:
    """A GeoPackage layer's description: what it is, the study, the data date and, for
    illustrative data, the "DATA ILUSTRATIF" mark (``gpkg_contents.description``)."""
    st, lang = res.study.config.study, res.lang
    text = t("gpkg.description", lang, layer=layer, study=st.name, date=st.date_in(lang) or "–")
    return f"{t('illustrative', lang).upper()} — {text}" if st.illustrative else text


def build_outputs(res: "RunResult") -> list[Output]:
    """Every output file of a run but ``run.json``, in the order they are written."""
    layers = {"areas": areas_layer(res)}
    for stage in res.stages.values():
        layers.update(stage.layers)
    figures = {"map.png": class_map_png(res)}
    reference = reference_map_png(res)
    if reference is not None:
        figures["rujukan.png"] = reference
    for stage in res.stages.values():
        figures.update(stage.figures)
    mark = t("illustrative", res.lang).upper() if res.study.config.study.illustrative else ""
    out = [Output("petarawan.gpkg", "gpkg", GeoPackage(layers, {"areas": class_style(res.lang)},
                                                       {name: layer_description(res, name) for name in layers})),
           Output("petarawan.xlsx", "xlsx", Workbook(workbook_sheets(res), mark=mark, title=res.study.config.study.name))]
    out += [Output(name, "png", png) for name, png in figures.items()]
    out.append(Output("report.html", "html", render_report(res, figures)))
    return out


def manifest(res: "RunResult", version: str) -> dict[str, Any]:
    """The ``run.json`` manifest: version, time, inputs and their hashes, resolved
    configuration, method log, counts per class, every finding and every stage's record."""
    import geopandas, numpy, pandas, pyogrio, shapely  # noqa: E401

    return jsonable({
        "petarawan_version": version,
        "created": res.started,
        "python": platform.python_version(),
        "libraries": {m.__name__: m.__version__ for m in (numpy, pandas, geopandas, shapely, pyogrio)},
        "study": res.study.config.study.name,
        "study_dir": str(Path(res.study.study_dir).resolve()),
        "illustrative": res.study.config.study.illustrative,
        "language": res.lang,
        "inputs": res.inputs,
        "config": res.study.config.resolved(),
        "n_areas": len(res.result),
        "n_scored": int(res.result["score"].notna().sum()),
        "class_counts": res.class_counts(),
        "method_steps": res.index.steps,
        "stages": {name: st.manifest for name, st in res.stages.items()},
        "public_columns": {c: list(h) for st in res.stages.values() for c, h in st.public_columns.items()},
        "findings": [f.to_dict() for f in res.findings],
        "privacy": publication_of(res).to_manifest(),
    })


def write_outputs(res: "RunResult", out_dir: Path, *, version: str, record: dict[str, Any] | None = None) -> None:
    """Write every output and ``run.json`` into ``out_dir`` atomically
    (:func:`petarawan.io.writers.atomic_dir`).

    ``run.json`` gets the sha256 of each file (``outputs``) and the canonical hash of each table
    (``tables``: every GeoPackage layer and workbook sheet, :func:`petarawan.io.digest.table_hashes`)
    that ``petarawan replay`` compares; ``record`` adds keys (e.g. ``replay_of``).

    Raises
    ------
    InputError
        Unsafe or unwritable output folder.
    """
    outputs = build_outputs(res)

    def build(tmp: Path) -> None:
        for o in outputs:
            o.write(tmp)
        man = manifest(res, version)
        man.update(jsonable(record or {}))
        man["tables"] = table_hashes(tmp)
        man["outputs"] = {p.name: sha256(p) for p in sorted(tmp.iterdir())}
        write_json(man, tmp / MANIFEST_NAME)

    atomic_dir(out_dir, build, study_dir=res.study.study_dir)
