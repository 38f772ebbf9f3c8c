"""The stage registry: run order from requirements, configuration sections from the registry."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict

from petarawan.errors import ConfigError
from petarawan.registry import STAGES, config_model, parse_config
from petarawan.stages import Registry, Stage, StageResult


class _On(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Cfg:
    """A stand-in configuration: a stage is on when its attribute is set."""

    def __init__(self, **sections):
        self.__dict__.update(sections)


def _stage(name, **kw):
    return Stage(name=name, run=lambda ctx: StageResult(name=name), section=_On, **kw)


def test_order_follows_requirements_not_list_position():
    # listed backwards on purpose: c needs b's token, b needs a
    reg = Registry([_stage("c", requires=("tok_b",)), _stage("b", requires=("a",), provides=("tok_b",)), _stage("a")])
    order = [s.name for s in reg.order(_Cfg(a=_On(), b=_On(), c=_On()))]
    assert order == ["a", "b", "c"]


def test_uses_orders_only_when_a_provider_is_enabled():
    reg = Registry([_stage("idx", uses=("indicators",)), _stage("pre", provides=("indicators",)), _stage("other")])
    assert [s.name for s in reg.order(_Cfg(idx=_On(), pre=_On(), other=_On()))] == ["pre", "other", "idx"]
    assert [s.name for s in reg.order(_Cfg(idx=_On(), other=_On()))] == ["idx", "other"]  # no provider: no edge


def test_until_keeps_a_stage_and_what_it_depends_on():
    reg = Registry([_stage("pre", provides=("indicators",)), _stage("idx", uses=("indicators",), provides=("classes",)),
                    _stage("post", requires=("classes",))])
    cfg = _Cfg(pre=_On(), idx=_On(), post=_On())
    assert [s.name for s in reg.order(cfg, until="idx")] == ["pre", "idx"]


def test_missing_requirement_names_both_stages():
    reg = Registry([_stage("plan", requires=("potential",)), _stage("potential")])
    with pytest.raises(ConfigError, match=r"\[plan\].*'potential'"):
        reg.order(_Cfg(plan=_On()))


def test_cycle_is_a_configuration_error():
    reg = Registry([_stage("a", requires=("b",)), _stage("b", requires=("a",))])
    with pytest.raises(ConfigError, match="require each other"):
        reg.order(_Cfg(a=_On(), b=_On()))


def test_duplicate_names_refused():
    with pytest.raises(ValueError, match="declared twice"):
        Registry([_stage("a"), _stage("a")])


def test_every_stage_section_comes_from_the_registry():
    fields = config_model().model_fields
    declared = {s.name for s in STAGES if s.section is not None}
    assert declared == {"potential", "hotspots", "ikrn", "audit", "uncertainty", "plan"}
    for s in STAGES:
        if s.section is not None:
            assert fields[s.name].annotation in (s.section, s.section | None)
    # [audit] is on by default, the others are absent until set
    cfg = parse_config({"study": {"name": "x"}, "areas": {"file": "a"}, "data": {"file": "d"},
                        "dimensions": [{"code": "d", "label_id": "D"}],
                        "indicators": [{"code": "x", "label_id": "X", "dimension": "d"}]})
    assert cfg.audit.enabled is True and cfg.hotspots is None and cfg.plan is None


def test_pipeline_order_of_the_real_registry():
    """Stages providing indicators run before the index; plan after potential and the classes."""
    class All:
        def __getattr__(self, name):
            return _On()

    order = [s.name for s in STAGES.order(All())]
    assert order == ["potential", "hotspots", "ikrn", "index", "audit", "uncertainty", "plan"]
    assert [s.name for s in STAGES.order(All(), until="index")] == ["potential", "hotspots", "ikrn", "index"]
