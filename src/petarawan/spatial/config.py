"""The ``[hotspots]`` section of ``petarawan.toml``.

Imports only pydantic (not :mod:`petarawan.config`, which imports this module).  Every option is
recorded, defaults resolved, in ``run.json``.

Example::

    [hotspots]
    variable = "drugs"            # outputs: gi_z_drugs, count_drugs, ...
    measure = "count"             # count | rate | eb_global | eb_spatial
    permutations = 999
    alpha = 0.05
    fdr = true

    [hotspots.weights]
    kind = "queen"                # queen | rook | knn | distance_band
    transformation = "r"
    contiguity = "geometric"      # geometric (boundaries meet) | vertex (shared vertices only)
    snap_tolerance = 0            # metres: boundaries this close count as touching

    [hotspots.counts]             # or [hotspots.incidents]
    file = "counts.csv"
    code_column = "kode"
    layout = "wide"               # one column per period (or "long": period + count columns)
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..i18n import Msg, MsgError
from ..io.spec import TableFormat


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WeightsSpec(_Strict):
    kind: Literal["queen", "rook", "knn", "distance_band"] = "queen"
    transformation: Literal["r", "b"] = Field("r", description="r = row-standardised, b = binary (Moran, Local Moran)")
    k: int = Field(8, ge=1, description="Neighbours for kind = 'knn'")
    threshold: float | None = Field(None, gt=0, description="Distance band in metres for kind = 'distance_band'")
    contiguity: Literal["geometric", "vertex"] = Field(
        "geometric", description="queen/rook: 'geometric' = areas whose boundaries meet (a shared point for queen, a "
        "shared line for rook), wherever the vertices lie; 'vertex' = shared vertices only (GeoDa, libpysal's default)")
    snap_tolerance: float = Field(0.0, ge=0, allow_inf_nan=False,
                                  description="queen/rook, geometric: metres within which two boundaries count as "
                                  "touching (gaps of digitising); 0 = exact")

    @model_validator(mode="after")
    def _threshold(self) -> "WeightsSpec":
        if self.kind == "distance_band" and self.threshold is None:
            raise MsgError(Msg("cfg.distance_needs_threshold"), at="threshold")
        if self.snap_tolerance > 0 and (self.kind not in ("queen", "rook") or self.contiguity != "geometric"):
            raise MsgError(Msg("cfg.snap_tolerance_kind"), at="snap_tolerance")
        return self


class CountsSpec(_Strict, TableFormat):
    """Counts per area and period from a table."""

    file: str
    sheet: str | None = None
    code_column: str = "kode"
    layout: Literal["wide", "long"] = Field("wide", description="wide: one column per period; long: rows of code, period, count")
    periods: list[str] | None = Field(None, description="wide: period columns in time order (default: every column named like 2021, 2021Q3 or 2021-07)")
    period_column: str = Field("tahun", description="long layout: the period column")
    count_column: str = Field("jumlah", description="long layout: the count column")


class IncidentsSpec(_Strict, TableFormat):
    """Incident points from a table."""

    file: str
    sheet: str | None = None
    x_column: str = Field("longitude", description="Longitude or easting")
    y_column: str = Field("latitude", description="Latitude or northing")
    crs: str = Field("EPSG:4326", description="CRS of x/y")
    date_column: str | None = "tanggal"
    type_column: str | None = None
    types: list[str] | None = Field(None, description="Keep only incidents of these types")
    period: Literal["year", "quarter", "month"] = "year"


class PopulationSpec(_Strict, TableFormat):
    file: str
    sheet: str | None = None
    code_column: str = "kode"
    column: str = "penduduk"


class DensitySpec(_Strict):
    cell_size: float | None = Field(None, gt=0, description="Grid cell side in metres (default: extent / 100)")
    bandwidth: Literal["scott", "silverman"] | float = "scott"


class HotspotConfig(_Strict):
    """Hot spots, small-area rates and space-time trends (stage ``hotspots``)."""

    variable: str = Field(description="Name of the analysed quantity (output columns gi_z_<variable>, ...); "
                          "without [hotspots.counts] or [hotspots.incidents] it is an indicator code of the indicator table")
    measure: Literal["count", "rate", "eb_global", "eb_spatial"] = Field(
        "count", description="Value analysed: the count, the raw rate per 10,000 or an empirical Bayes rate")
    period: str | None = Field(None, description="Period analysed by Moran / LISA / Gi* (default: the latest; 'all' = total)")
    permutations: int = Field(999, ge=1, le=99_999, description="Random permutations (Local Moran always needs them)")
    alpha: float = Field(0.05, gt=0, lt=1)
    fdr: bool = True
    inference: Literal["permutation", "analytical"] = "permutation"
    weights: WeightsSpec = WeightsSpec()
    counts: CountsSpec | None = None
    incidents: IncidentsSpec | None = None
    population: PopulationSpec | None = None
    emerging: bool = Field(True, description="Emerging hot spots when there are ≥ 4 periods")
    trend_alpha: float = Field(0.05, gt=0, lt=1)
    density: DensitySpec | None = Field(None, description="Kernel density of incident points (needs [hotspots.incidents])")

    @model_validator(mode="after")
    def _check(self) -> "HotspotConfig":
        if self.counts is not None and self.incidents is not None:
            raise MsgError(Msg("cfg.hotspots_both"))
        if self.measure != "count" and self.population is None:
            raise MsgError(Msg("cfg.hotspots_needs_population", measure=self.measure), at="measure")
        if self.density is not None and self.incidents is None:
            raise MsgError(Msg("cfg.density_needs_incidents"), at="density")
        return self
