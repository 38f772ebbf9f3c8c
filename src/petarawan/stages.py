"""The contract between the pipeline and its stages.

A **stage** is one step of a run (the composite index, hot spots, community potential, the plan,
…).  It is declared once, in its own folder, as a :class:`Stage`::

    STAGE = Stage(name="potential", section=PotentialConfig, provides=("indicators", "potential"),
                  run=run_potential)

and listed in :mod:`petarawan.registry` (one line).  From the registry follow:

* the configuration: the stage's ``section`` model becomes the optional ``[name]`` section of
  ``petarawan.toml`` (:func:`petarawan.registry.parse_config`);
* the run order: a topological sort of ``requires``/``uses`` against ``provides``
  (:meth:`Registry.order`), never the position in a list;
* what ``petarawan validate`` runs: the stages the index needs, and the index itself.

A stage's ``run(ctx: StudyContext)`` reads its own input files through :mod:`petarawan.io`,
computes with pure functions and returns a frozen, typed :class:`StageResult` subclass (e.g.
:class:`petarawan.potential.stage.PotentialStageResult`): later stages read its typed fields,
never dict keys.  The pipeline alone writes outputs, atomically.

Tokens used in ``requires``/``provides`` so far: ``"indicators"`` (columns the index may use,
:attr:`StageResult.indicators`), ``"index"`` and ``"classes"`` (the composite index and the BNN
classes: a stage requiring them runs after the index), and each stage's own name.
"""

from __future__ import annotations

import graphlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

from .errors import ConfigError, Finding
from .i18n import Msg

if TYPE_CHECKING:  # imported for annotations only: the configuration is built from the registry
    import geopandas as gpd
    from pydantic import BaseModel

    from .config import StudyConfig


@dataclass(frozen=True)
class ReportSection:
    """One section of ``report.html``: a title and a body of HTML rendered by a
    :mod:`petarawan.report` template (autoescaped), with an optional figure on top."""

    title: str
    html: str
    figure: str | None = None  # file name of a PNG in ``figures`` to embed at the top


@dataclass(frozen=True, kw_only=True)
class StageResult:
    """What every stage hands back to the pipeline (stages subclass it with typed fields).

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
    column_labels : dict[str, tuple[str, str]]
        (Bahasa Indonesia, English) headings of the other ``area_columns`` (analysts' workbook).
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
    indicators : DataFrame | None
        Stages providing ``"indicators"`` only: columns (index ``code``) that ``[[indicators]]``
        entries with ``stage = "<this stage>"`` use by code (not read from the indicator table).
    inputs : dict[str, str]
        File name → sha256 of every input file the stage read (recorded in ``run.json``).
    """

    name: str
    area_columns: pd.DataFrame | None = None
    public_columns: dict[str, tuple[str, str]] = field(default_factory=dict)
    column_labels: dict[str, tuple[str, str]] = field(default_factory=dict)
    layers: dict[str, Any] = field(default_factory=dict)
    sheets: dict[str, pd.DataFrame] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    figures: dict[str, bytes] = field(default_factory=dict)
    sections: list[ReportSection] = field(default_factory=list)
    indicators: pd.DataFrame | None = None
    inputs: dict[str, str] = field(default_factory=dict)


R = TypeVar("R", bound=StageResult)


@dataclass(frozen=True)
class StudyContext:
    """Everything a stage may read (the pipeline makes a new one for each stage).

    Attributes
    ----------
    config : StudyConfig
    study_dir : Path
    lang : {"id", "en"}
    areas : GeoDataFrame
        One row per area, index ``code`` (canonical, see :func:`petarawan.codes.normalise_code`),
        columns ``name``, ``group`` (or absent), ``geometry``; CRS as in the boundary file.
    data : DataFrame
        The indicator table joined to the areas, index ``code``, raw indicator columns, plus the
        ``indicators`` of the stages that ran before.
    index : IndexResult | None
        Composite-index result (:class:`petarawan.index.composite.IndexResult`); ``None`` for
        stages that do not require ``"index"``.
    result : DataFrame | None
        Index ``code``: ``name``, ``score``, ``class``, ``rank`` and every dimension score;
        ``None`` for stages that do not require ``"classes"``.
    stage_results : Mapping[str, StageResult]
        Results of the stages that ran before this one (read them with :meth:`need`).
    denominators : DataFrame
        Validated positive columns of the indicator table (denominators, the plan's population).
    reference : Series | None
        The published 0/1 label of ``data.reference_column`` by code, when configured.
    """

    config: "StudyConfig"
    study_dir: Path
    lang: str
    areas: "gpd.GeoDataFrame"
    data: pd.DataFrame
    index: Any = None
    result: pd.DataFrame | None = None
    stage_results: Mapping[str, StageResult] = field(default_factory=dict)
    denominators: pd.DataFrame = field(default_factory=pd.DataFrame)
    reference: pd.Series | None = None

    def section(self, name: str) -> Any:
        """The ``[name]`` section of the configuration, or ``None`` when it is not set."""
        return getattr(self.config, name, None)

    def need(self, name: str, kind: type[R]) -> R:
        """The typed result of stage ``name`` that ran before this one.

        Raises
        ------
        ConfigError
            Stage ``name`` did not run (its section is not set).
        TypeError
            It returned another result type (a programming error).
        """
        res = self.stage_results.get(name)
        if res is None:
            raise ConfigError(Msg("cfg.stage_not_run", name=name))
        if not isinstance(res, kind):
            raise TypeError(f"stage {name!r} returned {type(res).__name__}, expected {kind.__name__}")
        return res


@dataclass(frozen=True)
class Stage:
    """A declared stage.

    Attributes
    ----------
    name : str
        Key of its section in ``petarawan.toml``, of its result in ``run.json`` and of
        ``stage = "<name>"`` in ``[[indicators]]``.
    run : callable
        ``run(ctx: StudyContext) -> StageResult`` (a subclass with typed fields).
    section : pydantic model class | None
        Its ``[name]`` section; ``None`` for a stage without one (the composite index).
    requires : tuple[str, ...]
        Tokens that an enabled stage must provide; the stage runs after it.  A token no enabled
        stage provides is a configuration error naming both stages.
    uses : tuple[str, ...]
        Tokens the stage uses when some enabled stage provides them (it then runs after it).
    provides : tuple[str, ...]
        Tokens it provides (its own name is always provided).
    default_on : bool
        The section is on by default (its model's defaults) instead of absent.
    always : bool
        The stage runs whatever the configuration says (the composite index).
    """

    name: str
    run: Callable[[StudyContext], StageResult]
    section: "type[BaseModel] | None" = None
    requires: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()
    provides: tuple[str, ...] = ()
    default_on: bool = False
    always: bool = False

    @property
    def tokens(self) -> frozenset[str]:
        return frozenset(self.provides) | {self.name}

    def enabled(self, config: "StudyConfig") -> bool:
        """Whether the configuration switches the stage on: its section is set (a stage may still
        read an ``enabled = false`` key of its section and return an empty result)."""
        return self.always or getattr(config, self.name, None) is not None


class Registry:
    """The stages of petarawan, by name (see :mod:`petarawan.registry`).

    Raises
    ------
    ValueError
        Two stages with the same name.
    """

    def __init__(self, stages: Sequence[Stage]):
        names = [s.name for s in stages]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"stage name(s) declared twice: {dup}")
        self._stages = {s.name: s for s in stages}

    def __iter__(self):
        return iter(self._stages.values())

    def __getitem__(self, name: str) -> Stage:
        return self._stages[name]

    def __contains__(self, name: object) -> bool:
        return name in self._stages

    def names(self) -> list[str]:
        return list(self._stages)

    def order(self, config: "StudyConfig", *, until: str | None = None) -> list[Stage]:
        """The enabled stages in run order: a topological sort (:mod:`graphlib`) of each
        stage's ``requires`` and ``uses`` against the others' ``provides``; stages whose order
        the requirements leave open keep the registry's order, so outputs are stable.

        ``until``: only that stage and the stages it depends on (``petarawan validate`` runs
        everything the composite index needs, not what comes after it).

        Raises
        ------
        ConfigError
            A required token that no enabled stage provides (e.g. ``[plan]`` without
            ``[potential]``), or a cycle of requirements.
        """
        enabled = [s for s in self._stages.values() if s.enabled(config)]
        providers: dict[str, list[str]] = {}
        for s in enabled:
            for tok in s.tokens:
                providers.setdefault(tok, []).append(s.name)
        deps: dict[str, set[str]] = {}
        for s in enabled:
            deps[s.name] = set()
            for tok in s.requires:
                if tok not in providers:
                    raise ConfigError(Msg("cfg.stage_requires", name=s.name, token=tok))
                deps[s.name] |= set(providers[tok])
            for tok in s.uses:
                deps[s.name] |= set(providers.get(tok, ()))
            deps[s.name].discard(s.name)
        if until is not None:
            keep, todo = set(), [until] if until in deps else []
            while todo:
                n = todo.pop()
                if n not in keep:
                    keep.add(n)
                    todo.extend(deps[n])
            deps = {n: d for n, d in deps.items() if n in keep}
        position = {n: i for i, n in enumerate(self._stages)}
        sorter = graphlib.TopologicalSorter(deps)
        try:
            sorter.prepare()
        except graphlib.CycleError as err:
            raise ConfigError(Msg("cfg.stage_cycle", cycle=" → ".join(err.args[1]))) from None
        out: list[Stage] = []
        while sorter.is_active():
            ready = sorted(sorter.get_ready(), key=position.__getitem__)
            out.extend(self._stages[n] for n in ready)
            sorter.done(*ready)
        return out
