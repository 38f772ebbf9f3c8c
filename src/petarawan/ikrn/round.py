"""One IKRN round end to end: exports → checks → completeness → scores → bootstrap.

:func:`read_round` reads the files named in ``[ikrn]`` (through :func:`~petarawan.ikrn.returns.read_export`);
:func:`assess_round` and :func:`score_round` are pure functions of what was read.  The CLI
(``petarawan ikrn status``) and the pipeline stage both call them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import Finding, InputError
from ..i18n import Msg, t
from .aggregate import AreaScores, RespondentScores, area_scores, respondent_scores
from .bank import Bank, load_bank
from .bootstrap import BootstrapResult, bootstrap_areas
from .checks import CheckResult, run_checks
from .completeness import completeness_table, returned_counts
from .config import IkrnConfig
from .returns import ExportTable, Submissions, decode_returns, export_columns, read_export

__all__ = ["RoundInput", "RoundAssessment", "RoundScores", "study_bank", "read_round", "assess_round", "score_round"]


def study_bank(study_dir: Path, cfg: IkrnConfig | None) -> Bank:
    """The study's bank: ``[ikrn] bank`` relative to the study folder, else the illustrative one."""
    return load_bank(Path(study_dir) / cfg.bank if cfg is not None and cfg.bank else None)


@dataclass(frozen=True)
class RoundInput:
    """The exports of a round as read, with their sha256 (for ``run.json``)."""

    tables: list[tuple[str, ExportTable]]
    hashes: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def read_round(study_dir: Path, cfg: IkrnConfig, bank: Bank) -> RoundInput:
    """Read every export named in ``cfg.returns``.

    An instrument without files is a warning (a round in progress); a named file that is missing
    or unreadable is an error — all of them reported together.

    Raises
    ------
    InputError
    """
    from ..io.readers import sha256

    tables: list[tuple[str, ExportTable]] = []
    hashes: dict[str, str] = {}
    findings: list[Finding] = []
    errors: list[Finding] = []
    for ins in (i.code for i in bank.instruments):
        names = cfg.returns.get(ins, [])
        if not names:
            findings.append(Finding("warning", "ikrn_no_returns", Msg("ikrn.no_returns", ins=ins),
                                    column=f"ikrn.returns.{ins}", expected=Msg("ikrn.no_returns.exp", ins=ins)))
        for name in names:
            p = Path(study_dir) / name
            if not p.is_file():
                errors.append(Finding("error", "file_missing", Msg("ikrn.file_missing"), file=name,
                                      expected=Msg("ikrn.file_missing.exp")))
                continue
            try:
                tables.append((ins, read_export(p, name, keep=export_columns(bank, ins))))
                hashes[name] = sha256(p)
            except InputError as err:
                errors.extend(err.findings)
    if errors:
        raise InputError(errors)
    return RoundInput(tables, hashes, findings)


@dataclass(frozen=True)
class RoundAssessment:
    """Decoded submissions, their checks and the completeness table (index = area code)."""

    submissions: Submissions
    checks: CheckResult
    returned: np.ndarray
    completeness: pd.DataFrame
    findings: list[Finding]


def assess_round(data: RoundInput, bank: Bank, cfg: IkrnConfig, areas) -> RoundAssessment:
    """Decode, check and count a round.

    Parameters
    ----------
    areas : GeoDataFrame
        Index = canonical area code; ``name``, optionally ``group``, geometry with a CRS.

    Raises
    ------
    InputError
        An export lacks a column the analysis needs (:func:`decode_returns`).
    """
    sub = decode_returns(data.tables, bank, list(areas.index), area_question=cfg.area_question)
    chk = run_checks(sub, bank, cfg.checks, areas)
    returned = returned_counts(sub.area, sub.instrument, chk.kept, len(areas))
    quota = {i.code: cfg.quota_of(i.code) for i in bank.instruments}
    table = completeness_table(returned, areas, quota, tuple(i.code for i in bank.instruments))
    return RoundAssessment(sub, chk, returned, table, list(data.findings) + chk.findings)


@dataclass(frozen=True)
class RoundScores:
    respondents: RespondentScores
    areas: AreaScores
    bootstrap: BootstrapResult | None


def score_round(assessed: RoundAssessment, bank: Bank, cfg: IkrnConfig, area_index: pd.Index, *, seed: int | list[int]) -> RoundScores:
    """Area survey indicators and their bootstrap replicates (seeded by ``seed``)."""
    resp = respondent_scores(assessed.submissions, assessed.checks.kept, bank, min_item_share=cfg.min_item_share,
                             indicator=cfg.indicator, dimension_indicators=cfg.dimension_indicators)
    weights = {i.code: cfg.weight_of(i.code) for i in bank.instruments}
    mins = {i.code: cfg.min_of(i.code) for i in bank.instruments}
    sc = area_scores(resp, area_index, weights=weights, min_respondents=mins, required=list(cfg.required))
    boot = None
    if cfg.bootstrap > 0:
        scored = sc.table[cfg.indicator].notna().to_numpy()
        boot = bootstrap_areas(resp, len(area_index), used=sc.used, scored=scored, weights=weights,
                               replicates=cfg.bootstrap, seed=seed)
    return RoundScores(resp, sc, boot)
