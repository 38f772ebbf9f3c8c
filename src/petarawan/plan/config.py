"""``[plan]`` section of ``petarawan.toml``: programme catalogue, budget, constraints, schedule.

Does not import :mod:`petarawan.config` (which imports it); same strict behaviour.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from ..i18n import Msg, MsgError

ACTIVITIES: tuple[str, ...] = ("pemetaan", "rapat_kerja", "bimtek", "life_skill", "entrepreneurship", "monev")
"""BNN's order of activities in an area (DOMAIN §2): mapping → stakeholder working meeting →
technical guidance for facilitators → life-skills training → entrepreneurship training → M&E."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Programme(_Strict):
    """One programme of the catalogue.

    ``target``: who attends — ``facilitator`` (willing community leaders found by the survey),
    ``exposed`` (households affected by drug use), ``not_exposed`` (the others) or ``all``.
    ``interest``: for entrepreneurship, the choice of the business-interest question it serves
    (e.g. ``kuliner``).  ``skills``/``resources``: choices of the skills/resources questions
    that make the business feasible locally.  ``requires``: programmes that must be held in the
    same area first (e.g. ``["bimtek_pendamping"]``).  Costs in rupiah.
    """

    code: str
    kind: Literal["bimtek", "life_skill", "entrepreneurship"]
    label_id: str
    label_en: str = ""
    target: Literal["facilitator", "exposed", "not_exposed", "all"] = "all"
    interest: str | None = None
    skills: list[str] = Field(default_factory=list)
    resources: list[str] = Field(default_factory=list)
    cost_per_participant: float = Field(ge=0)
    cost_per_class: float = Field(0.0, ge=0)
    min_class: int = Field(ge=1)
    max_class: int = Field(ge=1)
    max_classes_per_area: int = Field(3, ge=1)
    duration_days: int = Field(1, ge=1)
    requires: list[str] = Field(default_factory=list)
    weight: float = Field(1.0, ge=0)

    @model_validator(mode="after")
    def _check(self) -> "Programme":
        if self.max_class < self.min_class:
            raise MsgError(Msg("cfg.plan_class_range", code=self.code, max=self.max_class, min=self.min_class), at="max_class")
        if self.kind == "entrepreneurship" and not self.interest:
            raise MsgError(Msg("cfg.plan_needs_interest", code=self.code), at="interest")
        if self.kind == "bimtek" and self.target != "facilitator":
            raise MsgError(Msg("cfg.plan_bimtek_target", code=self.code), at="target")
        return self

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" and self.label_en else self.label_id


class ScheduleSpec(_Strict):
    """Working-day schedule: Monday–Friday, minus ``holidays``."""

    start: date = Field(description="First working day of the programme year")
    teams: int = Field(2, ge=1, description="Field teams working in parallel, one area at a time each")
    pemetaan_days: int = Field(5, ge=0)
    rapat_kerja_days: int = Field(1, ge=0)
    gap_days: int = Field(5, ge=0, description="Working days between activities")
    monev_after_days: int = Field(40, ge=0, description="Working days from the last training to monev")
    monev_days: int = Field(2, ge=1)
    holidays: list[date] = Field(default_factory=list)


class PlanConfig(_Strict):
    """Budgeted intervention plan (issue 5 §3–4)."""

    budget: float = Field(gt=0, description="Total budget (rupiah)")
    max_areas: int | None = Field(None, ge=1, description="At most K areas")
    per_group: bool = Field(False, description="At least one area in every group (kecamatan) that has demand")
    area_cost: float = Field(0.0, ge=0, description="Fixed cost per chosen area: mapping, working meeting, monitoring (rupiah)")
    population_column: str = Field(description="Column of the [data] table with each area's population")
    household_size: float = Field(4.0, gt=0, description="Persons per household (BPS average), to turn population into households")
    demand: Literal["estimate", "lower"] = Field("estimate", description="Size target groups with the point estimate or the lower Wilson bound")
    min_class_score: float = Field(0.0, ge=0, description="Only areas with index score >= this are eligible")
    time_limit: float = Field(60.0, gt=0, description="HiGHS time limit (s)")
    mip_rel_gap: float = Field(1e-6, ge=0, description="HiGHS relative MIP gap")
    programmes: list[Programme]
    schedule: ScheduleSpec

    @model_validator(mode="after")
    def _check(self) -> "PlanConfig":
        codes = [p.code for p in self.programmes]
        dup = sorted({c for c in codes if codes.count(c) > 1})
        if dup:
            raise MsgError(Msg("cfg.plan_dup", codes=", ".join(dup)), at="programmes")
        for p in self.programmes:
            bad = [r for r in p.requires if r not in codes]
            if bad:
                raise MsgError(Msg("cfg.plan_requires_unknown", code=p.code, bad=", ".join(bad), known=", ".join(codes)),
                               at=f"programmes[{p.code}].requires")
            if p.code in p.requires:
                raise MsgError(Msg("cfg.plan_requires_self", code=p.code), at=f"programmes[{p.code}].requires")
        cycle = requires_cycle(self.programmes)
        if cycle:
            raise MsgError(Msg("cfg.plan_cycle", cycle=" → ".join(cycle)), at="programmes")
        return self


def requires_cycle(programmes: list[Programme]) -> list[str] | None:
    """A cycle of ``requires`` (``[a, b, a]``: a requires b requires a), or None.

    Depth-first search with three colours (Cormen et al., *Introduction to Algorithms*, §22.3):
    meeting a programme that is still on the current path closes a cycle.
    """
    req = {p.code: list(p.requires) for p in programmes}
    state: dict[str, int] = {}  # 1 on the path, 2 done
    path: list[str] = []

    def visit(c: str) -> list[str] | None:
        state[c] = 1
        path.append(c)
        for r in req.get(c, []):
            if state.get(r) == 1:
                return path[path.index(r):] + [r]
            if r in req and state.get(r) is None:
                found = visit(r)
                if found:
                    return found
        path.pop()
        state[c] = 2
        return None

    for c in req:
        if state.get(c) is None:
            found = visit(c)
            if found:
                return found
    return None


def check_programme_choices(programmes: list[Programme], form, questions, file: str = "petarawan.toml") -> None:
    """Every ``interest``, ``skills`` and ``resources`` choice of the catalogue must be a choice of
    the form's business-interest, skills and resources question.

    Parameters
    ----------
    form : petarawan.io.survey.Form
    questions : petarawan.potential.config.QuestionMap

    Raises
    ------
    InputError
        One finding per unknown choice: the programme, the key, the value, a close match and
        every valid choice.
    """
    import difflib

    from ..errors import Finding, InputError

    problems = []
    for i, p in enumerate(programmes):
        for key, qkey, values in (("interest", "interest", [p.interest] if p.interest else []),
                                  ("skills", "skills", p.skills), ("resources", "resources", p.resources)):
            q = getattr(questions, qkey)
            if not values:
                continue
            if not q or q not in form.questions:
                problems.append(Finding(
                    "error", "plan_question_missing", Msg("f.plan_question_missing", code=p.code, key=key, q=q), file=file,
                    column=f"plan.programmes[{i}].{key}", value=values,
                    expected=Msg("x.plan_question_missing", qkey=qkey)))
                continue
            valid = form.options(q)
            for v in values:
                if v in valid:
                    continue
                close = difflib.get_close_matches(v, valid, n=1)
                hint = Msg("f.did_you_mean", name=close[0]) if close else ""
                problems.append(Finding(
                    "error", "plan_unknown_choice", Msg("f.plan_unknown_choice", code=p.code, key=key, q=q, hint=hint),
                    file=file, column=f"plan.programmes[{i}].{key}", value=v, expected=Msg("x.one_of", valid=valid)))
    if problems:
        raise InputError(problems)
