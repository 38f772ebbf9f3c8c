"""The study configuration, ``petarawan.toml``, validated with pydantic.

A study folder holds ``petarawan.toml`` plus its input files.  The file declares the framework
(indicators, dimensions), the method (normalisation, weighting, aggregation, classification)
and the optional stages (hot spots, uncertainty, community potential, plan).  Unknown keys and
wrong types are errors naming the key (:class:`~petarawan.errors.ConfigError`).  The resolved
configuration — defaults filled in — is written to ``run.json`` so a run can be reproduced.

Structure follows the OECD/JRC *Handbook on Constructing Composite Indicators* (2008), step 1
(theoretical framework): indicators belong to dimensions; each has a direction and a weight.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .classify import CLASSES, CLASSIFIERS
from .errors import ConfigError
from .i18n import Join, Msg, MsgError
from .index.aggregate import AGGREGATORS, AggregationSpec
from .io.spec import TableFormat, TextEncoding
from .io.toml import read_toml
from .index.framework import Framework
from .index.normalise import NORMALISERS
from .index.treat import IMPUTERS, TREATMENTS
from .index.weights import WEIGHTINGS

CONFIG_NAME = "petarawan.toml"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StudySection(Strict):
    name: str = Field(description="Study title, e.g. 'Kota Pangkalpinang'")
    data_date: str = Field("", description="Date or year the data refer to, shown on every output")
    data_date_en: str = Field("", description="The data date in English, when it is text such as '2025 (ilustratif)'")
    illustrative: bool = Field(False, description="True when the indicator values are not real data")
    lang: Literal["id", "en"] = "id"

    def date_in(self, lang: str) -> str:
        """The data date for a reader of ``lang``: ``data_date_en`` in English when given; an ISO
        date (``2026-04-28``, ``2026-04``) in words (``28 April 2026``, ``Agustus``/``August``)."""
        from .fmt import date

        text = self.data_date_en if lang == "en" and self.data_date_en else self.data_date
        return date(text.strip(), lang) if text.strip() else ""
    seed: int = Field(20211, ge=0, le=2**32 - 1,
                      description="Seed for every random step (permutations, Monte Carlo); 0 … 4294967295 "
                                  "(numpy's legacy seeding, used by esda, takes 32 bits)")


class AreasSection(Strict, TextEncoding):
    file: str = Field(description="Boundary file: GeoJSON, GeoPackage or Shapefile")
    layer: str | None = None
    code_column: str = "kode"
    name_column: str = "nama"
    group_column: str | None = Field(None, description="Area attribute used for grouping, e.g. kecamatan")
    code_scheme: Literal["as_entered", "kemendagri"] = Field(
        "as_entered", description="'as_entered': codes are shown as the boundary file writes them; 'kemendagri': they "
                                  "are Kemendagri codes, shown dotted (19.71.01.1008). Tables join either way, with or "
                                  "without dots")


class DataSection(Strict, TableFormat):
    file: str = Field(description="Indicator table: CSV or XLSX, one row per area code")
    empty_columns: Literal["error", "leave_out"] = Field(
        "error", description="An indicator whose column holds no value in any row: 'error' stops validation; "
                             "'leave_out' leaves such indicators out of this run, with one warning listing them")
    sheet: str | None = None
    code_column: str = "kode"
    year: int | None = Field(None, description="Use only rows of this year when the table has a 'year' column")
    reference_column: str | None = Field(
        None, description="A published 0/1 label of prone areas to compare the classes with"
    )
    reference_source: str = Field(
        "", description="Who published the reference label, where and when (cited on its map, which says the "
                        "label is real), e.g. 'Kepala BNN Kota Pangkalpinang, ANTARA Babel, 2025'")
    reference_date: str = Field("", description="Date or year of the reference label, shown on its map")


class IndicatorSpec(Strict):
    code: str
    enabled: bool = Field(
        True, description="false: the indicator is switched off for this study (left out of the index, the classes and "
                          "every output) without deleting its block")
    label_id: str
    label_en: str = ""
    unit: str = ""
    unit_en: str = Field("", description="The unit in English (default: `unit`)")
    source: str = ""
    direction: Literal[1, -1] = 1
    dimension: str
    weight: float = Field(1.0, ge=0)
    count: bool = Field(False, description="A count: values must be whole numbers ≥ 0")
    nonnegative: bool = Field(False, description="Values must be ≥ 0 (quantities, percentages); implied by count")
    bnn: Literal["main", "supporting"] | None = Field(None, description="BNN main (pokok) or supporting (pendukung) indicator")
    present_at: float | None = Field(
        None, description="BNN indicator counts as present when value >= present_at (<= for direction -1)"
    )
    denominator: str | None = Field(
        None, description="Column of the indicator table (e.g. population) to turn this count into a rate"
    )
    per: float = Field(10_000, gt=0, description="Rate per this many units of the denominator (default per 10,000)")
    stage: str | None = Field(
        None, description="Computed by this pre-index stage (e.g. 'hotspots', 'potential') instead of read from the table"
    )
    goalposts: tuple[float, float] | None = Field(
        None, description="[least prone, most prone] values in the indicator's units, for normalisation = 'goalposts'")
    target: float | None = Field(None, description="Value at which the area counts as fully prone, for normalisation = 'target'")
    normalisation: NORMALISERS.literal() | None = Field(  # type: ignore[valid-type]
        None, description="This indicator's own normalisation, overriding [index] normalisation (COINr indiv_specs)")

    @model_validator(mode="after")
    def _bnn_needs_threshold(self) -> "IndicatorSpec":
        if self.bnn is not None and self.present_at is None:
            raise MsgError(Msg("cfg.bnn_needs_present_at", code=self.code, bnn=self.bnn), at="present_at")
        return self

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" and self.label_en else self.label_id

    def unit_in(self, lang: str) -> str:
        """The unit in ``lang`` (``unit_en`` in English when given, else ``unit``)."""
        return self.unit_en if lang == "en" and self.unit_en else self.unit


class DimensionSpec(Strict):
    code: str
    label_id: str
    label_en: str = ""
    weight: float = Field(1.0, ge=0, description="Weight within its parent dimension (or within the index)")
    parent: str | None = Field(
        None, description="Code of the dimension this one belongs to (a sub-dimension); none = feeds the index")

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" and self.label_en else self.label_id


# Method names come from the registries (petarawan.methods): the allowed values of every method
# setting, the uncertainty alternatives and the readable labels share one list per kind.
Normalisation = NORMALISERS.literal()
Aggregation = AGGREGATORS.literal()
Imputation = IMPUTERS.literal()


def _ratio(v: Any) -> float:
    """A pairwise-comparison entry: a number or a fraction written as text (``"1/3"``)."""
    if isinstance(v, str):
        num, sep, den = v.partition("/")
        try:
            return float(num) / float(den) if sep else float(num)
        except (ValueError, ZeroDivisionError):
            raise MsgError(Msg("cfg.not_ratio", value=repr(v))) from None
    return float(v)


class AHPMatrix(Strict):
    """A pairwise-comparison matrix on Saaty's 1–9 scale: ``matrix[i][j]`` says how much more
    important ``items[i]`` is than ``items[j]``; the lower triangle may be given as fractions
    (``"1/3"``) and must be the reciprocal of the upper one."""

    items: list[str]
    matrix: list[list[float | str]]

    @model_validator(mode="after")
    def _square(self) -> "AHPMatrix":
        n = len(self.items)
        if n < 2:
            raise MsgError(Msg("cfg.ahp_two_items"), at="items")
        if len(self.matrix) != n or any(len(r) != n for r in self.matrix):
            raise MsgError(Msg("cfg.ahp_shape", n=n, items=", ".join(self.items)), at="matrix")
        m = self.values()
        for i in range(n):
            if abs(m[i][i] - 1) > 1e-9:
                raise MsgError(Msg("cfg.ahp_diagonal", i=i, value=f"{m[i][i]:g}", item=self.items[i]), at="matrix")
            for j in range(n):
                if m[i][j] <= 0:
                    raise MsgError(Msg("cfg.ahp_positive", i=i, j=j, value=f"{m[i][j]:g}"), at="matrix")
                if not (1 / 9 - 1e-9 <= m[i][j] <= 9 + 1e-9):
                    raise MsgError(Msg("cfg.ahp_scale", i=i, j=j, value=f"{m[i][j]:g}", a=self.items[i], b=self.items[j]),
                                   at="matrix")
                if abs(m[i][j] * m[j][i] - 1) > 0.02:
                    raise MsgError(Msg("cfg.ahp_reciprocal", i=i, j=j, value=f"{m[i][j]:g}", back=f"{m[j][i]:g}",
                                       a=self.items[i], b=self.items[j]), at="matrix")
        return self

    def values(self) -> list[list[float]]:
        return [[_ratio(v) for v in row] for row in self.matrix]


class WeightingSection(Strict):
    """How nominal weights are set, per level.  ``manual`` uses the ``weight`` of each
    ``[[indicators]]`` / ``[[dimensions]]`` entry."""

    indicators: WEIGHTINGS.literal(indicator=True) = "manual"  # type: ignore[valid-type]
    dimensions: WEIGHTINGS.literal(dimension=True) = "manual"  # type: ignore[valid-type]
    ahp: dict[str, AHPMatrix] = Field(
        default_factory=dict, description="Key 'dimensions' (matrix over dimensions) or a dimension code (over its indicators)")
    budget: dict[str, list[dict[str, float]]] = Field(
        default_factory=dict,
        description="Key 'dimensions' or a dimension code → one allocation of points per expert, e.g. [{a = 60, b = 40}, ...]")


class IndexSection(Strict):
    """Method of the composite index (OECD/JRC Handbook 2008, steps 3, 5, 6)."""

    normalisation: Normalisation = "minmax"  # type: ignore[valid-type]
    range: tuple[float, float] = (0.0, 100.0)
    reference_area: str | None = Field(None, description="Area code used by normalisation = 'reference'")
    aggregation: Aggregation = Field(  # type: ignore[valid-type]
        "arithmetic", description="Indicators → dimension")
    index_aggregation: Aggregation | None = Field(  # type: ignore[valid-type]
        None, description="Dimensions → index; default: same as 'aggregation'")
    power: float = Field(2.0, description="Exponent p of the generalised mean (p ≠ 0)")
    zero_handling: Literal["shift", "error"] = Field(
        "shift", description="Geometric/harmonic means of values ≤ 0: 'shift' all values by c = 1 − min, mean, subtract c; 'error'")
    weighting: WeightingSection = WeightingSection()
    imputation: Imputation = "none"  # type: ignore[valid-type]
    min_availability: float = Field(
        0.5, ge=0, le=1, description="Share of indicators an area must have data for (before imputation) to get a "
                                     "score; default 0.5 so a sparsely reported area cannot top the ranking on a few "
                                     "values (set 0 to score any area with data in every dimension)")
    outliers: bool = Field(False, description="Treat outliers with outlier_method (default: COINr's winsorise, then log)")
    outlier_method: TREATMENTS.literal(active=True) = Field(  # type: ignore[valid-type]
        "coinr_winsorise_log", description="Outlier treatment used when outliers = true")
    outlier_max_winsorise: int = Field(5, ge=0)
    skew_threshold: float = Field(2.0, gt=0)
    kurtosis_threshold: float = Field(3.5, gt=0)

    @field_validator("range")
    @classmethod
    def _range_increasing(cls, v: tuple[float, float]) -> tuple[float, float]:
        if not v[0] < v[1]:
            raise MsgError(Msg("cfg.range_increasing", value=str(list(v))))
        return v

    @model_validator(mode="after")
    def _check(self) -> "IndexSection":
        if self.normalisation == "reference" and not self.reference_area:
            raise MsgError(Msg("cfg.reference_needs_area"), at="reference_area")
        if self.power == 0:
            raise MsgError(Msg("cfg.power_zero"), at="power")
        return self

    def level_aggregation(self, level: str) -> str:
        """Aggregation of ``level`` ``"dimension"`` (indicators → dimension) or ``"index"``."""
        if level == "index":
            return self.index_aggregation or self.aggregation
        return self.aggregation

    @property
    def outlier_treatment(self) -> str:
        """Name of the outlier treatment this run applies (``"none"`` when ``outliers`` is off)."""
        return self.outlier_method if self.outliers else "none"

    def aggregation_spec(self, dimension: str | None = None, index: str | None = None) -> AggregationSpec:
        """The explicit aggregation parameters of this section (methods overridable, e.g. by a
        Monte Carlo run)."""
        return AggregationSpec(dimension or self.level_aggregation("dimension"), index or self.level_aggregation("index"),
                               self.power, self.range[0], self.range[1], self.zero_handling)


class CountRule(Strict):
    """One class of BNN's count rule: the class applies when at least ``main`` main indicators
    and at least ``supporting`` supporting indicators are present."""

    cls: Literal["Bahaya", "Waspada", "Siaga"] = Field(alias="class")
    main: int = Field(ge=0)
    supporting: int = Field(0, ge=0)


class ClassificationSection(Strict):
    method: CLASSIFIERS.literal() = Field(  # type: ignore[valid-type]
        "bands", description="bands (score thresholds), count_rule (BNN), quantiles (4 equal-count classes), "
                             "jenks (Fisher–Jenks natural breaks, 4 classes)")
    bands: dict[Literal["Bahaya", "Waspada", "Siaga"], float] = Field(
        default_factory=lambda: {"Bahaya": 75.0, "Waspada": 50.0, "Siaga": 25.0},
        description="Lower score bound of each class; scores below Siaga's bound are Aman",
    )
    count_rule: list[CountRule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> "ClassificationSection":
        if self.method == "bands":
            missing = [c for c in CLASSES[:3] if c not in self.bands]
            if missing:
                raise MsgError(Msg("cfg.bands_missing", classes=", ".join(missing)), at="bands")
            b, w, s = (self.bands[c] for c in CLASSES[:3])
            if not b > w > s:
                raise MsgError(Msg("cfg.bands_order", b=f"{b:g}", w=f"{w:g}", s=f"{s:g}"), at="bands")
        if self.method == "count_rule" and not self.count_rule:
            raise MsgError(Msg("cfg.count_rule_empty"), at="count_rule")
        return self


class PrivacySection(Strict):
    min_count: int = Field(5, ge=1, description="Counts in 1..min_count-1 are shown as '<min_count' in published outputs")


class MapsSection(Strict):
    dpi: int = Field(130, ge=72, le=600, description="Resolution of every map and figure in dots per inch: 130 for "
                                                     "screen, 300 for print (also: petarawan run --dpi 300)")


class StudyConfig(Strict):
    """The framework and method of ``petarawan.toml``.

    The optional stage sections (``[hotspots]``, ``[potential]``, ``[plan]``, ``[uncertainty]``,
    ``[audit]``, …) are declared by each stage in its own folder; :mod:`petarawan.registry`
    builds the full model from this one (:func:`petarawan.registry.parse_config`), so a loaded
    configuration is an instance of a subclass with one attribute per stage section.
    """

    study: StudySection
    areas: AreasSection
    data: DataSection
    dimensions: list[DimensionSpec]
    indicators: list[IndicatorSpec]
    index: IndexSection = IndexSection()
    classification: ClassificationSection = ClassificationSection()
    privacy: PrivacySection = PrivacySection()
    maps: MapsSection = MapsSection()

    @model_validator(mode="before")
    @classmethod
    def _switched_off(cls, data: Any) -> Any:
        """``[[indicators]] enabled = false`` leaves the indicator out of the model (and of every
        output); the resolved configuration keeps only the indicators in use."""
        if isinstance(data, dict) and isinstance(data.get("indicators"), list):
            kept = [i for i in data["indicators"] if not (isinstance(i, dict) and i.get("enabled") is False)]
            if len(kept) != len(data["indicators"]):
                data = {**data, "indicators": kept}
        return data

    @model_validator(mode="after")
    def _framework(self) -> "StudyConfig":
        fw = self.framework  # validates codes, parents, cycles, empty dimensions (ValueError)
        for k in fw.leaves:
            d = fw.dimensions[k]
            if sum(i.weight for i in self.indicators if i.dimension == d) <= 0:
                raise MsgError(Msg("cfg.indicator_weights_zero", dim=d), at="indicators")
        weight = {d.code: d.weight for d in self.dimensions}
        for parent, children in fw.siblings().items():
            if sum(weight[fw.dimensions[j]] for j in children) <= 0:
                if parent < 0:
                    raise MsgError(Msg("cfg.dimension_weights_zero"), at="dimensions")
                raise MsgError(Msg("cfg.subdimension_weights_zero", dim=fw.dimensions[parent]), at="dimensions")
        return self

    def indicator(self, code: str) -> IndicatorSpec:
        return next(i for i in self.indicators if i.code == code)

    def normalisation_of(self, code: str, default: str | None = None) -> str:
        """The normalisation of indicator ``code``: its own ``normalisation`` if set, else
        ``default`` (a Monte Carlo alternative), else ``[index] normalisation``."""
        return self.indicator(code).normalisation or default or self.index.normalisation

    def normalisations_used(self, default: str | None = None) -> set[str]:
        """Every normalisation the indicators use (see :meth:`normalisation_of`)."""
        return {self.normalisation_of(i.code, default) for i in self.indicators}

    @property
    def framework(self) -> Framework:
        """The hierarchy indicators → dimensions (any depth, via ``parent``) → index as a
        :class:`~petarawan.index.framework.Framework`."""
        return Framework.build([(i.code, i.dimension) for i in self.indicators],
                               [(d.code, d.parent) for d in self.dimensions])

    def resolved(self) -> dict[str, Any]:
        """Every setting with defaults filled in, for ``run.json`` and the method sheet."""
        return self.model_dump(mode="json", by_alias=True)


def _field_names(model: type[BaseModel], seen: set | None = None) -> set[str]:
    """Every key name used anywhere in the configuration schema (for "did you mean")."""
    import typing

    seen = set() if seen is None else seen
    names: set[str] = set()
    for name, f in model.model_fields.items():
        names.add(f.alias or name)
        stack = [f.annotation]
        while stack:
            a = stack.pop()
            if isinstance(a, type) and issubclass(a, BaseModel) and a not in seen:
                seen.add(a)
                names |= _field_names(a, seen)
            stack.extend(typing.get_args(a))
    return names


_PYDANTIC_MSG = {
    "missing": "cfg.missing",
    "extra_forbidden": "cfg.unknown_key",
    "float_parsing": "cfg.number",
    "float_type": "cfg.number",
    "int_parsing": "cfg.whole",
    "int_type": "cfg.whole",
    "int_from_float": "cfg.whole",
    "bool_parsing": "cfg.bool",
    "bool_type": "cfg.bool",
    "string_type": "cfg.text",
    "list_type": "cfg.list",
    "dict_type": "cfg.table",
    "model_type": "cfg.table",
    "tuple_type": "cfg.list",
    "finite_number": "cfg.finite",
    "date_type": "cfg.date",
    "date_parsing": "cfg.date",
    "date_from_datetime_parsing": "cfg.date",
    "date_from_datetime_inexact": "cfg.date",
}
"""pydantic error types → catalogue messages (what the key must be)."""


def non_finite(data: Any) -> list[tuple[tuple, float]]:
    """``[(location, value)]`` of every ``inf``/``nan`` number anywhere in a configuration
    mapping (TOML writes them ``inf``, ``+inf``, ``-inf``, ``nan``).  Iterative, so any depth."""
    out: list[tuple[tuple, float]] = []
    stack: list[tuple[tuple, Any]] = [((), data)]
    while stack:
        loc, node = stack.pop()
        if isinstance(node, float) and not math.isfinite(node):
            out.append((loc, node))
        elif isinstance(node, dict):
            stack.extend((loc + (k,), v) for k, v in node.items())
        elif isinstance(node, (list, tuple)):
            stack.extend((loc + (i,), v) for i, v in enumerate(node))
    return sorted(out, key=lambda x: [str(p) for p in x[0]])


def _not_finite(v: Any) -> bool:
    """``inf``/``nan`` as a number or as text pydantic would read as one ("inf", "-Infinity", "NaN")."""
    if isinstance(v, str):
        try:
            v = float(v)
        except ValueError:
            return False
    return isinstance(v, float) and not math.isfinite(v)


def _at(loc: tuple, data: Any, default: Any) -> Any:
    """The value at ``loc`` in the mapping as written (``default`` when it is not there)."""
    node = data
    for p in loc:
        try:
            node = node[p]
        except (KeyError, IndexError, TypeError):
            return default
    return node


def _where(loc: tuple, data: Any) -> str:
    """``indicators.12.dirction`` → ``indicators[kasus_narkoba].dirction``."""
    parts, node = [], data
    for p in loc:
        if isinstance(p, int):
            code = node[p].get("code") if isinstance(node, list) and p < len(node) and isinstance(node[p], dict) else None
            parts[-1] = f"{parts[-1]}[{code}]" if code else f"{parts[-1]}[{p + 1}]"
            node = node[p] if isinstance(node, list) and p < len(node) else None
        else:
            parts.append(str(p))
            node = node.get(p) if isinstance(node, dict) else None
    return ".".join(parts)


def _format_validation_error(err: ValidationError | None, source: str, data: Any = None,
                             model: type[BaseModel] | None = None, validated: Any = None) -> Msg:
    """Every problem pydantic found, one line each (key, what it must be, the value given), as a
    message rendered in the reader's language.  A validator that raises ``MsgError(Msg(...), at=...)``
    (or ``ValueError(Msg(...))``) is shown in the reader's language too, under the key path ``at``
    below the model; other validator texts are shown as written."""
    import difflib

    known = sorted(_field_names(model or StudyConfig))
    lines = []
    seen: set[str] = set()  # every number that is not finite: as written, and as validated ("inf" as text)
    for loc, v in non_finite(data) + (non_finite(validated) if validated is not None else []):
        key = _where(loc, data)
        if key not in seen:
            seen.add(key)
            lines.append(Msg("cfg.line", key=key, msg=Msg("cfg.finite"), hint="",
                             shown=Msg("cfg.value", value=repr(_at(loc, data, v)))))
    for e in err.errors() if err is not None else ():
        key = _where(tuple(e["loc"]), data)
        kind = e["type"]
        cause = (e.get("ctx") or {}).get("error")
        if not key and not (isinstance(cause, ValueError) and getattr(cause, "at", "")):
            key = Msg("cfg.root")  # type: ignore[assignment]
        if key in seen:
            continue
        if _not_finite(e.get("input")):
            msg: Msg = Msg("cfg.finite")
        elif kind in _PYDANTIC_MSG:
            msg = Msg(_PYDANTIC_MSG[kind])
        elif kind == "literal_error":
            msg = Msg("cfg.one_of", choices=str(e.get("ctx", {}).get("expected", "")))
        elif kind in ("too_short", "too_long"):
            ctx = e.get("ctx") or {}
            msg = Msg("cfg.length", actual=ctx.get("actual_length", "?"),
                      bound=ctx.get("min_length", "?") if kind == "too_short" else ctx.get("max_length", "?"),
                      op="≥" if kind == "too_short" else "≤")
        elif kind in ("greater_than_equal", "greater_than", "less_than", "less_than_equal"):
            op = {"greater_than_equal": "≥", "greater_than": ">", "less_than": "<", "less_than_equal": "≤"}[kind]
            msg = Msg("cfg.bound", op=op, bound=next(iter(e.get("ctx", {}).values()), ""))
        elif isinstance(cause, ValueError) and cause.args and isinstance(cause.args[0], Msg):
            msg = cause.args[0]
            at = getattr(cause, "at", "")  # MsgError: the key below the model that raised it
            if at:
                key = at if not e["loc"] else f"{key}.{at}"
        else:
            msg = Msg("f.text", text=str(e["msg"]).removeprefix("Value error, "))
        hint: Msg | str = ""
        if kind == "extra_forbidden":
            close = difflib.get_close_matches(str(e["loc"][-1]), known, n=1, cutoff=0.7)
            if close:
                hint = Msg("cfg.did_you_mean", name=close[0])
        inp = e.get("input")
        shown = "" if kind in ("missing",) or isinstance(inp, (dict, list)) else Msg("cfg.value", value=repr(inp))
        lines.append(Msg("cfg.line", key=key, msg=msg, hint=hint, shown=shown))
    return Msg("cfg.invalid", source=source, lines=Join(lines, "\n"))


def validate_config(data: dict[str, Any], model: type[BaseModel], source: str = CONFIG_NAME) -> Any:
    """Validate a configuration mapping against ``model`` (the full model is built by
    :mod:`petarawan.registry`; use :func:`petarawan.registry.parse_config`).  Every number must be
    finite: ``inf``/``nan`` (TOML allows them, also as text) are refused naming the key and value.

    Raises
    ------
    ConfigError
        Naming every bad key, with "did you mean" for unknown keys.
    """
    try:
        cfg = model.model_validate(data)
    except ValidationError as err:
        raise ConfigError(_format_validation_error(err, source, data, model)) from None
    validated = cfg.model_dump(by_alias=True)
    if non_finite(data) or non_finite(validated):
        raise ConfigError(_format_validation_error(None, source, data, model, validated))
    return cfg


def read_config(study_dir: Path) -> tuple[dict[str, Any], str]:
    """Read ``STUDY_DIR/petarawan.toml`` as a mapping (not yet validated) and its path as text.

    Raises
    ------
    ConfigError
        File missing, not valid TOML (with line and column), not UTF-8, larger than 1 MB or
        nested too deeply (:func:`petarawan.io.toml.read_toml`).
    """
    path = Path(study_dir) / CONFIG_NAME
    if not path.is_file():
        raise ConfigError(Msg("cfg.not_found", path=str(path), study=str(study_dir)))
    return read_toml(path), str(path)
