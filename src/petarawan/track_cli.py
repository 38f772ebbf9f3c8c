"""``petarawan track``: the command line over the tracking store (:mod:`petarawan.track`).

Kept apart from the store so the plan stage can read the store without importing what loads a
study's configuration (:mod:`petarawan.registry`, which imports the plan stage).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import typer

from .codes import normalise_code
from .errors import ConfigError, Finding, InputError, PetarawanError
from .track import TrackStore, _text_or_none, store_path
from .i18n import Msg, resolve_lang

track_app = typer.Typer(no_args_is_help=True)


def _fail(err: PetarawanError | OSError) -> None:
    if isinstance(err, OSError):  # a file-system problem (permission, full disk): a finding, not a traceback
        from .io.atomic import os_error_finding

        err = InputError(os_error_finding(err))
    lang = resolve_lang()  # PETARAWAN_LANG, else Indonesian
    if isinstance(err, InputError):
        for f in err.findings:
            typer.echo(f"  • {f.render(lang)}", err=True)
    else:
        typer.echo(err.text(lang) if isinstance(err, ConfigError) else str(err), err=True)
    raise typer.Exit(1)


def _study(study_dir: Path) -> tuple[pd.Index, dict[str, str] | None]:
    """The study's area codes and programme catalogue (code → kind; None without [plan]).

    Raises
    ------
    PetarawanError
        Configuration or boundary file unusable: nothing is recorded without them.
    """
    from .registry import load_config
    from .io.readers import read_boundaries, resolve

    cfg = load_config(study_dir)
    g = read_boundaries(resolve(study_dir, cfg.areas.file, "boundary"), layer=cfg.areas.layer)
    codes = pd.Index([c for c in (normalise_code(v) for v in g[cfg.areas.code_column]) if c is not None])
    plan = getattr(cfg, "plan", None)
    return codes, ({p.code: p.kind for p in plan.programmes} if plan is not None else None)


@track_app.command("add")
def add_cmd(study_dir: Path = typer.Argument(...),
            activity: str = typer.Option(...),
            date_: str = typer.Option(..., "--date"),
            area: str = typer.Option(...),
            programme: str = typer.Option(""),
            exposed: int = typer.Option(0),
            not_exposed: int = typer.Option(0),
            facilitators: int = typer.Option(0),
            spend: float = typer.Option(0.0)) -> None:
    """Record one activity (counts only, no names).

    Example: petarawan track add examples/pangkalpinang --activity life_skill --date 2026-05-04
    --area 19.71.01.1008 --programme life_skill_remaja --not-exposed 18 --spend 9000000
    """
    try:
        known, programmes = _study(study_dir)
        with TrackStore(store_path(study_dir)) as s:
            i = s.add_activity(area, activity, date_, programme=programme or None, exposed=exposed,
                               not_exposed=not_exposed, facilitators=facilitators, spend=spend,
                               known_codes=known, programmes=programmes)
            row = s.activities().set_index("id").loc[i]
        prog = _text_or_none(row["programme"])
        typer.echo(f"#{i} {row['activity']} {row['area']} {row['date']}" + (f" {prog}" if prog else ""))
    except (PetarawanError, OSError) as err:
        _fail(err)


@track_app.command("list")
def list_cmd(study_dir: Path = typer.Argument(...)) -> None:
    """List recorded activities.

    Example: petarawan track list examples/pangkalpinang
    """
    try:
        with TrackStore(store_path(study_dir), read_only=True) as s:
            df = s.activities()
    except (PetarawanError, OSError) as err:
        _fail(err)
    typer.echo(df.drop(columns=["recorded_at"]).to_string(index=False) if len(df) else "(kosong / empty)")


def _find_plan_rows(obj: object) -> list | None:
    if isinstance(obj, dict):
        if "plan_rows" in obj and isinstance(obj["plan_rows"], list):
            return obj["plan_rows"]
        for v in obj.values():
            r = _find_plan_rows(v)
            if r is not None:
                return r
    elif isinstance(obj, list):
        for v in obj:
            r = _find_plan_rows(v)
            if r is not None:
                return r
    return None


@track_app.command("adopt")
def adopt_cmd(study_dir: Path = typer.Argument(...),
              out_dir: Path = typer.Argument(...)) -> None:
    """Adopt the plan of a run (its run.json) to track against.

    Example: petarawan track adopt examples/pangkalpinang out/
    """
    manifest = Path(out_dir) / "run.json"
    try:
        if not manifest.is_file():
            raise InputError(Finding("error", "file_missing", Msg("f.file_missing"),
                                     file=str(manifest), expected=Msg("x.file_missing")))
        rows = _find_plan_rows(json.loads(manifest.read_text(encoding="utf-8")))
        if not rows:
            raise InputError(Finding("error", "no_plan", Msg("f.no_plan"),
                                     file=str(manifest), expected=Msg("x.no_plan")))
        known, programmes = _study(study_dir)
        with TrackStore(store_path(study_dir)) as s:
            n = s.adopt_plan(pd.DataFrame(rows), label=str(manifest), known_codes=known, programmes=programmes)
    except (PetarawanError, OSError) as err:
        _fail(err)
    typer.echo(f"{n} baris rencana diadopsi / plan rows adopted")


@track_app.command("snapshot")
def snapshot_cmd(study_dir: Path = typer.Argument(...),
                 out_dir: Path = typer.Argument(...),
                 year: int = typer.Option(...)) -> None:
    """Store a run's score and class per area as the given year (for keterpulihan).

    Example: petarawan track snapshot examples/pangkalpinang out/ --year 2025
    """
    gpkg = Path(out_dir) / "petarawan.gpkg"
    try:
        if not gpkg.is_file():
            raise InputError(Finding("error", "file_missing", Msg("f.file_missing.track_cli"), file=str(gpkg),
                                     expected=Msg("x.file_missing")))
        import pyogrio

        df = pyogrio.read_dataframe(gpkg, layer="areas", read_geometry=False)
        known, _ = _study(study_dir)
        with TrackStore(store_path(study_dir)) as s:
            n = s.add_snapshot(year, df[["code", "score", "class"]], known_codes=known)
    except (PetarawanError, OSError) as err:
        _fail(err)
    typer.echo(f"{n} wilayah disimpan untuk tahun {year} / areas stored for {year}")
