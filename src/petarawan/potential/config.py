"""``[potential]`` section of ``petarawan.toml``: the community-potential survey stage.

This module must not import :mod:`petarawan.config` (which imports it), so it defines its own
strict base model with the same behaviour: unknown keys and wrong types are errors naming the key.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..i18n import Msg, MsgError
from ..io.spec import TableFormat

COMPONENTS: tuple[str, ...] = ("skills", "resources", "business", "market", "facilitator", "training")
"""Components of the community-potential score (see ``docs/method_potential.md``)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuestionMap(_Strict):
    """Names of the form's questions that the potential stage reads.

    Defaults are the names of the shipped form ``forms/potensi_masyarakat.xlsx``; a study that
    uses another XLSForm maps its own question names here.  A question set to ``""`` is absent.
    """

    role: str = Field("peran", description="select_one: respondent role (warga, tokoh_masyarakat, ...)")
    exposed: str = Field("rt_terpapar", description="select_one: household affected by drug use")
    interest: str = Field("minat_usaha", description="select_multiple: business interests")
    skills: str = Field("keterampilan", description="select_multiple: skills present")
    business: str = Field("punya_usaha", description="select_one yes/no: runs a small business")
    resources: str = Field("sda", description="select_multiple: local (natural) resources")
    market: str = Field("akses_pasar", description="select_multiple: market access")
    facilitator: str = Field("bersedia_pendamping", description="select_one: willing to serve as facilitator")
    training: str = Field("minat_pelatihan", description="select_one: household member would join training")


class PotentialConfig(_Strict, TableFormat):
    """Community-potential survey (issue 5 §1–2).

    Attributes
    ----------
    form : str
        The XLSForm the survey was collected with (``.xlsx``), relative to the study folder.
    survey : list[str]
        Export file(s): KoboToolbox CSV/XLSX, ODK Central CSV (main file plus one file per
        repeat) or an ODK Central ``.zip``.
    """

    form: str = Field(description="XLSForm (.xlsx) used to collect the survey")
    survey: list[str] = Field(description="Survey export file(s): KoboToolbox CSV/XLSX or ODK Central CSV/zip")
    area_question: str = Field("kode_wilayah", description="Question holding the area code")
    consent_question: str = Field("persetujuan", description="Consent question; '' when the form has none")
    yes: str = Field("ya", description="Choice name meaning 'yes' in yes/no questions")
    exposed_no: str = Field("tidak", description="Choice name meaning 'not affected' in the exposure question")
    none_options: list[str] = Field(default_factory=lambda: ["tidak_ada"],
                                    description="Choice names meaning 'none' in select_multiple questions")
    questions: QuestionMap = QuestionMap()
    confidence: float = Field(0.90, gt=0, lt=1, description="Level of the Wilson intervals")
    suppress_below: int | None = Field(None, ge=1, description="Counts 1..suppress_below-1 are suppressed in published "
                                       "outputs; when not set, the study's [privacy] min_count (default 5) is used")
    min_respondents: int = Field(5, ge=1, description="Areas with fewer respondents get no potential score")
    score_weights: dict[str, float] = Field(default_factory=lambda: {c: 1.0 for c in COMPONENTS},
                                            description="Weight of each score component")
    missing_score: str = Field("median", description="'median': areas without a score get the median score "
                                                     "(reported); 'none': left empty")
    indicator: str = Field("potensi", description="Name of the indicator column this stage provides")

    @field_validator("survey", mode="before")
    @classmethod
    def _one_or_many(cls, v: object) -> object:
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _check(self) -> "PotentialConfig":
        unknown = sorted(set(self.score_weights) - set(COMPONENTS))
        if unknown:
            raise MsgError(Msg("cfg.potential_unknown", unknown=", ".join(map(str, unknown)), known=", ".join(COMPONENTS)),
                               at="score_weights")
        if any(w < 0 for w in self.score_weights.values()) or sum(self.score_weights.values()) <= 0:
            raise MsgError(Msg("cfg.potential_weights"), at="score_weights")
        if self.missing_score not in ("median", "none"):
            raise MsgError(Msg("cfg.potential_missing_score", value=repr(self.missing_score)), at="missing_score")
        if not self.survey:
            raise MsgError(Msg("cfg.potential_no_export"), at="survey")
        return self
