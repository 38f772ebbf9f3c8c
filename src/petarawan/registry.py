"""The stage registry — one line per stage — and the study configuration it makes up.

Adding a stage: write ``<folder>/config.py`` (its ``[section]``, a pydantic model) and
``<folder>/stage.py`` (``run(ctx) -> <Name>StageResult`` and ``STAGE = Stage(...)``, see
:mod:`petarawan.stages`), then add one line to :data:`STAGES` below.  The run order follows from
each stage's ``requires``/``uses``/``provides``; the list order only breaks ties (so outputs —
sheets, columns, report sections — come in a stable order), and it is the order of the stage
sections in ``run.json``.

The configuration: :func:`parse_config` / :func:`load_config` validate ``petarawan.toml``
against :class:`petarawan.config.StudyConfig` plus one optional section per registered stage.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Optional

from pydantic import create_model

from .audit import stage as audit
from .config import CONFIG_NAME, StudyConfig, read_config, validate_config
from .ikrn import stage as ikrn
from .index import stage as index
from .plan import stage as plan
from .potential import stage as potential
from .spatial import stage as hotspots
from .stages import Registry
from .uncertainty import stage as uncertainty

STAGES = Registry([
    potential.STAGE,    # survey export → community potential (an indicator for the index)
    hotspots.STAGE,     # hot spots, LISA, emerging hot spots, density (indicators for the index)
    ikrn.STAGE,         # IKRN survey round: completeness, survey scores, bootstrap (indicators for the index)
    index.STAGE,        # composite index, classes, ranks
    audit.STAGE,        # statistical audit of the index
    uncertainty.STAGE,  # Monte Carlo and Sobol over method choices
    plan.STAGE,         # programme matching and budgeted plan
])
"""Every stage of petarawan (:class:`petarawan.stages.Registry`)."""

@cache
def config_model() -> type[StudyConfig]:
    """:class:`StudyConfig` with one optional attribute per registered stage section (``None``
    when absent, the section's defaults for a stage that is on by default)."""
    fields: dict[str, Any] = {}
    for s in (s for s in STAGES if s.section is not None):
        if s.name in StudyConfig.model_fields:
            raise ValueError(f"stage {s.name!r}: its section would replace the core section [{s.name}]")
        fields[s.name] = (s.section, s.section()) if s.default_on else (Optional[s.section], None)
    return create_model("StudyConfig", __base__=StudyConfig, __module__=__name__, **fields)


def parse_config(data: dict[str, Any], source: str = CONFIG_NAME) -> StudyConfig:
    """Validate a configuration mapping (framework, method and every stage section).

    Raises
    ------
    ConfigError
        Naming every bad key (unknown keys with "did you mean").
    """
    return validate_config(data, config_model(), source)


def load_config(study_dir: Path | str) -> StudyConfig:
    """Read and validate ``STUDY_DIR/petarawan.toml``.

    Raises
    ------
    ConfigError
        File missing, not valid TOML (with line and column), or invalid content (naming the key).
    """
    data, source = read_config(Path(study_dir))
    return parse_config(data, source)
