"""``petarawan ikrn form | status``: the IKRN round from the command line.

Each command reads the study, calls the library and prints; a
:class:`~petarawan.errors.PetarawanError` becomes a readable message and exit code 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..i18n import Msg, t


ikrn_app = typer.Typer(no_args_is_help=True)


def _lang(lang: str | None, cfg) -> str:
    return lang or (cfg.study.lang if cfg is not None else "id")


def load_areas(study_dir: Path, cfg):
    """The study's areas (index canonical code; ``name``, ``group``?, geometry) or InputError."""
    from ..errors import Findings
    from ..io.readers import read_boundaries, resolve
    from ..validate import check_areas

    found = Findings()
    path = resolve(study_dir, cfg.areas.file, "boundary")
    areas = check_areas(read_boundaries(path, layer=cfg.areas.layer, label=cfg.areas.file), cfg, cfg.areas.file, found)
    found.raise_if_errors()
    return areas


def _round_config(study_dir: Path, lang: str | None):
    """(config with an [ikrn] section, its bank, language) or ConfigError naming the section."""
    from ..errors import ConfigError
    from ..registry import load_config
    from .round import study_bank

    cfg = load_config(study_dir)
    lg = _lang(lang, cfg)
    if cfg.ikrn is None:
        raise ConfigError(Msg("ikrn.cli.no_section"))
    return cfg, study_bank(study_dir, cfg.ikrn), lg


def _fail(err: BaseException, lang: str) -> None:
    """The main CLI's error ending (:func:`petarawan.cli_errors.fail`)."""
    from ..cli_errors import fail

    fail(err, lang)


@ikrn_app.command("form")
def form_command(
        study_dir: Annotated[Path, typer.Argument()],
        out: Annotated[Optional[Path], typer.Option()] = None,
        force: Annotated[bool, typer.Option("--force")] = False,
        lang: Annotated[Optional[str], typer.Option()] = None,
) -> None:
    """Write one XLSForm per IKRN instrument.

    Forms are checked with pyxform and deploy unchanged on KoboToolbox and ODK Central; the area
    is chosen by kecamatan, then kelurahan/desa, from the study's boundary file.

    Example: petarawan ikrn form examples/pangkalpinang --out formulir_ikrn
    """
    from ..registry import load_config
    from .form import build_forms
    from .round import study_bank

    lg = lang or "id"
    try:
        cfg = load_config(study_dir)
        lg = _lang(lang, cfg)
        bank = study_bank(study_dir, cfg.ikrn)
        areas = load_areas(study_dir, cfg)
        out_dir = Path(out) if out is not None else Path(study_dir) / "formulir_ikrn"
        targets = [out_dir / f"{i.code}.xlsx" for i in bank.instruments]
        existing = [p for p in targets if p.exists()]
        if existing and not force:
            typer.echo(t("ikrn.cli.exists", lg, path=existing[0]), err=True)
            raise typer.Exit(1)
        groups = areas["group"] if "group" in areas.columns else [None] * len(areas)
        paths = build_forms(bank, zip(areas.index, areas["name"], groups), out_dir, title=cfg.study.name)
    except typer.Exit:
        raise
    except Exception as err:  # noqa: BLE001 — mapped to messages
        _fail(err, lg)
        return
    typer.echo(t("ikrn.cli.forms", lg, n=len(paths), k=len(areas)))
    for p in paths:
        typer.echo(f"  {p}")
    if bank.illustrative:
        typer.echo(t("ikrn.cli.illustrative", lg))


def _whole_numbers(table) -> None:
    """Nothing is cut with "…" ("1214/1…"): each right-aligned column is at least as wide as its
    widest number, and names and headings fold onto more lines in a narrow terminal."""
    from rich.text import Text

    for col in table.columns:
        col.overflow = "fold"
        if col.justify == "right":
            col.min_width = max([Text.from_markup(str(c)).cell_len for c in col.cells] + [1])


def _pct(x: float) -> str:
    return "–" if x != x else f"{100 * x:.0f} %"


@ikrn_app.command("status")
def status_command(
        study_dir: Annotated[Path, typer.Argument()],
        limit: Annotated[int, typer.Option()] = 50,
        all_areas: Annotated[bool, typer.Option("--all")] = False,
        lang: Annotated[Optional[str], typer.Option()] = None,
) -> None:
    """Completeness table of the IKRN round.

    Per kecamatan and area: questionnaires returned / expected per instrument, reporting rate,
    areas below quota (for follow-up), and the count of every quality check.

    Example: petarawan ikrn status examples/pangkalpinang
    """
    from rich.console import Console
    from rich.table import Table

    from .checks import KINDS, effect_key
    from .completeness import below_quota, completeness_summary
    from .round import assess_round, read_round

    console = Console()
    lg = lang or "id"
    try:
        cfg, bank, lg = _round_config(study_dir, lang)
        areas = load_areas(study_dir, cfg)
        data = read_round(study_dir, cfg.ikrn, bank)
        assessed = assess_round(data, bank, cfg.ikrn, areas)
    except Exception as err:  # noqa: BLE001
        _fail(err, lg)
        return
    table = assessed.completeness
    c = assessed.checks.counts
    insts = [i.code for i in bank.instruments]
    console.print(f"[bold]{t('ikrn.cli.title', lg, study=cfg.study.name)}[/]")
    console.print(t("ikrn.cli.read", lg, read=c["read"], kept=c["kept"], excl=c["excluded"]))
    if bank.illustrative:
        console.print(t("ikrn.cli.illustrative", lg), style="yellow", markup=False)
    # quality checks
    kinds = Table(title=t("ikrn.cli.kind", lg))
    for h in ("ikrn.cli.kind.col", "ikrn.cli.count", "ikrn.cli.effect"):
        kinds.add_column(t(h, lg))
    for kind in KINDS:  # the report's labels and effects (one source: ikrn.checks)
        kinds.add_row(t(f"ikrn.kind.{kind}", lg), str(c.get(kind, 0)), t(effect_key(kind, cfg.ikrn.checks.exclude), lg))
    _whole_numbers(kinds)
    console.print(kinds)
    # per kecamatan
    summ = completeness_summary(table, "group")
    by = Table(title=t("ikrn.cli.by_district", lg))
    by.add_column(t("ikrn.cli.district", lg))
    for h in ("ikrn.cli.areas", "ikrn.cli.complete", "ikrn.cli.none"):
        by.add_column(t(h, lg), justify="right")
    for k in insts:
        by.add_column(k.upper(), justify="right")
    by.add_column(t("ikrn.cli.rate", lg), justify="right")
    for name, r in summ.iterrows():
        label = t("ikrn.cli.total", lg) if name == "(total)" else str(name)
        cells = [label, str(int(r["areas"])), str(int(r["areas_complete"])), str(int(r["areas_without_returns"]))]
        cells += [f"{int(r[f'returned_{k}'])}/{int(r[f'expected_{k}'])}" for k in insts]
        cells.append(_pct(r["reporting_rate"]))
        by.add_row(*cells, style="bold" if name == "(total)" else None)
    _whole_numbers(by)
    console.print(by)
    # areas
    rows = table if all_areas else below_quota(table)
    title = t("ikrn.cli.all_areas", lg) if all_areas else t("ikrn.cli.below", lg, n=len(rows), total=len(table))
    ar = Table(title=title)
    if "group" in table.columns:
        ar.add_column(t("ikrn.cli.district", lg))
    ar.add_column(t("ikrn.cli.area", lg))
    for k in insts:
        ar.add_column(k.upper(), justify="right")
    ar.add_column(t("ikrn.cli.rate", lg), justify="right")
    ar.add_column(t("ikrn.cli.needed", lg), justify="right")
    shown = rows if limit <= 0 else rows.head(limit)
    for code, r in shown.iterrows():
        cells = ([str(r["group"])] if "group" in table.columns else []) + [str(r["name"])]
        for k in insts:
            got, want = int(r[f"returned_{k}"]), int(r[f"expected_{k}"])
            cells.append(f"[red]{got}/{want}[/]" if got < want else f"{got}/{want}")
        cells += [_pct(r["reporting_rate"]), str(int(r["missing"]))]
        ar.add_row(*cells)
    _whole_numbers(ar)
    console.print(ar)
    if len(shown) < len(rows):
        console.print(t("ikrn.cli.more", lg, n=len(rows) - len(shown)))


@ikrn_app.command("pull")
def pull_command(
        study_dir: Annotated[Path, typer.Argument()],
        lang: Annotated[Optional[str], typer.Option()] = None,
) -> None:
    """Download submissions from ODK Central or KoboToolbox.

    Needs ``[ikrn.server]`` (kind, url, project, forms, token_env) and the token in the named
    environment variable; writes each instrument's export to its first ``[ikrn.returns]`` file.

    Example: petarawan ikrn pull studi-saya   (token in the variable named by ikrn.server.token_env)
    """
    from ..errors import ConfigError
    from .pull import pull_round

    lg = lang or "id"
    notes: list = []
    try:
        cfg, bank, lg = _round_config(study_dir, lang)
        done = pull_round(study_dir, cfg.ikrn, [i.code for i in bank.instruments], notes=notes)
    except Exception as err:  # noqa: BLE001
        if not isinstance(err, ConfigError):
            typer.echo(t("ikrn.pull.nothing_written", lg), err=True)
        _fail(err, lg)
        return
    for f in notes:
        typer.echo(f"  • {f.render(lg)}", err=True)
    for ins, (name, n) in done.items():
        typer.echo(t("ikrn.cli.pulled_n" if name.endswith(".csv") else "ikrn.cli.pulled", lg, ins=ins, name=name, n=n))
    typer.echo(t("ikrn.cli.pull_hint", lg, study=study_dir))
