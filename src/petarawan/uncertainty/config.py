"""The ``[uncertainty]`` section of ``petarawan.toml`` (stage :mod:`petarawan.uncertainty.stage`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from ..config import Aggregation, Imputation, Normalisation, Strict
from ..i18n import Msg, MsgError


class UncertaintySection(Strict):
    """Monte Carlo uncertainty and Sobol sensitivity analysis of the ranks and classes
    (OECD/JRC Handbook 2008, step 7; Saisana, Saltelli & Tarantola 2005, JRSS A 168(2)).

    Each run draws every uncertain choice independently: indicator and dimension weights are
    multiplied by factors uniform on [1 − weights, 1 + weights]; each of the listed
    alternatives (the base run's own choice is always included) is equally likely."""

    runs: int = Field(1000, ge=10, description="Monte Carlo runs N")
    weights: float = Field(0.25, ge=0, lt=1, description="Weights perturbed by up to ± this fraction (0.25 = ±25 %)")
    normalisation: list[Normalisation] = Field(  # type: ignore[valid-type]
        default_factory=list, description="Alternative normalisations")
    aggregation: list[Aggregation] = Field(  # type: ignore[valid-type]
        default_factory=list, description="Alternative aggregations (applied at both levels)")
    imputation: list[Imputation] = Field(  # type: ignore[valid-type]
        default_factory=list, description="Alternative imputations")
    outliers: bool = Field(False, description="Also try the outlier treatment switched the other way")
    sobol: bool = Field(True, description="Variance-based sensitivity (Sobol) of the ranks to each uncertain choice")
    sobol_samples: int = Field(128, ge=8, description="Base sample size of the Saltelli design (power of 2); runs = N(k + 2)")
    uncertain_below: float = Field(0.8, gt=0, le=1, description="An area's class is 'uncertain' when its top class probability is below this")
    count_uncertainty: Literal["none", "poisson"] = Field(
        "none", description="Count rule: 'poisson' draws each count indicator from its Poisson posterior predictive "
                            "(Jeffreys prior: λ ~ Gamma(x + ½, 1), X ~ Poisson(λ)) in every run")
    threshold_uncertainty: float = Field(
        0.0, ge=0, lt=1, description="Count rule: every present_at is multiplied by a factor uniform on [1 − this, "
                                     "1 + this] in every run (0.1 = ±10 %)")

    @field_validator("sobol_samples")
    @classmethod
    def _power_of_two(cls, v: int) -> int:
        if v & (v - 1):
            raise MsgError(Msg("cfg.sobol_power2", value=v))
        return v
