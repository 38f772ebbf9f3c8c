"""The ``[audit]`` section of ``petarawan.toml`` (stage :mod:`petarawan.audit.stage`)."""

from __future__ import annotations

from pydantic import Field

from ..config import Strict


class AuditSection(Strict):
    """Statistical audit of the index (OECD/JRC Handbook 2008, step 4): correlations within and
    between dimensions, Cronbach's alpha, PCA.  Runs by default."""

    enabled: bool = True
    collinear_above: float = Field(0.9, gt=0, le=1, description="Flag indicator pairs with |r| above this")
