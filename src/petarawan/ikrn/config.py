"""``[ikrn]`` section of ``petarawan.toml``: an IKRN survey round.

This module must not import :mod:`petarawan.config` (which imports it); it defines its own strict
base model with the same behaviour: unknown keys and wrong types are errors naming the key.

Example::

    [ikrn]
    bank = "bank_ikrn.toml"            # omit: the shipped ILLUSTRATIVE bank
    quota = { ikrn1 = 30, ikrn2 = 1, ikrn3 = 2 }

    [ikrn.returns]                     # exports of each instrument (Kobo CSV/XLSX, ODK Central CSV/zip)
    ikrn1 = ["ikrn1.csv"]
    ikrn2 = ["ikrn2.csv"]
    ikrn3 = ["ikrn3.zip"]
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..i18n import Msg, MsgError

__all__ = ["IkrnConfig", "ChecksConfig", "ServerConfig", "CHECK_KINDS", "DEFAULT_QUOTA"]

INSTRUMENT = Literal["ikrn1", "ikrn2", "ikrn3"]
DEFAULT_QUOTA = {"ikrn1": 30, "ikrn2": 1, "ikrn3": 2}
"""Respondents expected per desa/kelurahan (BNN's public description: ~30 residents, the village
head, ~2 officers)."""

CHECK_KINDS = ("duplicate", "unknown_area", "no_consent", "wrong_role", "too_short", "outside_area",
               "straightlining")
"""Quality checks that can exclude a submission (``checks.exclude``); out-of-scale answers only
lose the one answer."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChecksConfig(_Strict):
    """Thresholds of the quality checks (``docs/method_ikrn.md`` §2)."""

    min_seconds_per_item: float = Field(2.0, ge=0, description="An interview shorter than this × the number of items "
                                                               "(end − start) is implausibly short")
    straightline_min_items: int = Field(8, ge=2, description="Straight-lining is checked when a respondent answered at "
                                                             "least this many Likert items (all the same answer)")
    outside_tolerance_m: float = Field(250.0, ge=0, description="A geopoint farther than this outside its area's "
                                                                "polygon is 'outside its area'")
    exclude: list[Literal["duplicate", "unknown_area", "no_consent", "wrong_role", "too_short", "outside_area",
                          "straightlining"]] = Field(
        default_factory=lambda: ["duplicate", "unknown_area", "no_consent", "wrong_role", "too_short"],
        description="Kinds of finding that exclude the submission from completeness and scores (the others only flag)")

    @field_validator("exclude")
    @classmethod
    def _required_exclusions(cls, v: list[str]) -> list[str]:
        # a submission without a known area, a repeated one or one without consent can never count
        must = {"duplicate", "unknown_area", "no_consent"}
        missing = sorted(must - set(v))
        if missing:
            raise MsgError(Msg("cfg.ikrn_exclude_missing", missing=", ".join(map(str, missing))))
        return v


class ServerConfig(_Strict):
    """A collection server to pull submissions from (``petarawan ikrn pull``).

    The token is never written in ``petarawan.toml``: only the name of the environment variable
    that holds it.
    """

    kind: Literal["odk", "kobo"]
    url: str = Field(description="Base URL, e.g. https://central.example.org or https://kf.kobotoolbox.org")
    token_env: str = Field(description="Name of the environment variable holding the API token")
    project: int | None = Field(None, description="ODK Central project id")
    forms: dict[INSTRUMENT, str] = Field(description="Form id (ODK Central) or asset uid (KoboToolbox) per instrument")

    @model_validator(mode="after")
    def _check(self) -> "ServerConfig":
        if self.kind == "odk" and self.project is None:
            raise MsgError(Msg("cfg.ikrn_odk_project"), at="project")
        if not self.url.startswith(("https://", "http://")):
            raise MsgError(Msg("cfg.ikrn_https", url=repr(self.url)), at="url")
        return self


class IkrnConfig(_Strict):
    """An IKRN survey round (issue 10).

    Attributes
    ----------
    bank : str | None
        Question-bank TOML, relative to the study folder; ``None``: the shipped illustrative bank.
    returns : dict
        Instrument → export files (relative to the study folder).
    quota : dict
        Respondents expected per area and instrument.
    weights : dict
        Instrument weights in the area survey score (default equal).
    min_respondents : dict
        An instrument's mean enters an area's score only with at least this many respondents.
    required : list
        Instruments an area must have (at their minimum) to get a survey score at all.
    """

    bank: str | None = Field(None, description="Question bank TOML; omit for the shipped ILLUSTRATIVE bank")
    returns: dict[INSTRUMENT, list[str]] = Field(default_factory=dict,
                                                 description="Export files per instrument (Kobo CSV/XLSX, ODK Central CSV/zip)")
    quota: dict[INSTRUMENT, int] = Field(default_factory=lambda: dict(DEFAULT_QUOTA),
                                         description="Respondents expected per area and instrument")
    weights: dict[INSTRUMENT, float] = Field(default_factory=lambda: {"ikrn1": 1.0, "ikrn2": 1.0, "ikrn3": 1.0},
                                             description="Instrument weights in the survey score (default equal)")
    min_respondents: dict[INSTRUMENT, int] = Field(default_factory=lambda: {"ikrn1": 10, "ikrn2": 1, "ikrn3": 1},
                                                   description="Fewest respondents for an instrument's mean to count")
    required: list[INSTRUMENT] = Field(default_factory=lambda: ["ikrn1"],
                                       description="Instruments an area needs (at their minimum) for a survey score")
    min_item_share: float = Field(0.5, gt=0, le=1, description="A respondent is scored when they gave a value to at least "
                                                               "this share of their instrument's items")
    checks: ChecksConfig = ChecksConfig()
    bootstrap: int = Field(200, ge=0, description="Bootstrap replicates of the survey scores (0: none)")
    indicator: str = Field("survei_ikrn", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
                           description="Indicator code of the area survey score (0–100, higher = more prone)")
    dimension_indicators: bool = Field(False, description="Also provide one indicator per bank dimension, "
                                                          "named <indicator>_<dimension>")
    area_question: str = Field("kode_wilayah", description="Form field holding the area code")
    server: ServerConfig | None = None

    @field_validator("quota", "min_respondents")
    @classmethod
    def _full(cls, v: dict[str, int]) -> dict[str, int]:
        bad = {k: n for k, n in v.items() if n < 0}
        if bad:
            raise MsgError(Msg("cfg.ikrn_negative", bad=", ".join(f"{k} = {n}" for k, n in bad.items())))
        return v

    @model_validator(mode="after")
    def _check(self) -> "IkrnConfig":
        if any(w < 0 for w in self.weights.values()) or sum(self.weights.values()) <= 0:
            raise MsgError(Msg("cfg.ikrn_weights"), at="weights")
        for k in self.required:
            if self.weights.get(k, 0) <= 0:
                raise MsgError(Msg("cfg.ikrn_required_zero", key=k), at="required")
        return self

    def quota_of(self, instrument: str) -> int:
        return int(self.quota.get(instrument, DEFAULT_QUOTA[instrument]))

    def weight_of(self, instrument: str) -> float:
        return float(self.weights.get(instrument, 0.0))

    def min_of(self, instrument: str) -> int:
        return int(self.min_respondents.get(instrument, 1))
