"""Command line: ``petarawan run | validate | init``.

Each command calls one library function and turns :class:`~petarawan.errors.PetarawanError`
into a readable message and exit code 1 — never a traceback.  An unexpected internal error
prints a short message (the traceback only with ``PETARAWAN_DEBUG=1``) and exit code 2.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from .cli_errors import err_console, fail
from .cli_help import LocalisedGroup
from .errors import InputError
from .i18n import resolve_lang, t


class LangOpt(str, Enum):
    id = "id"
    en = "en"


app = typer.Typer(cls=LocalisedGroup, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
console = Console()



def _version(value: bool) -> None:
    if value:
        console.print(f"petarawan {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True)) -> None:
    """petarawan: drug-prone areas per kelurahan/desa (help text: :mod:`petarawan.cli_help`)."""
    if not os.environ.get("PETARAWAN_DEBUG"):
        import warnings

        warnings.simplefilter("ignore")  # library warnings are not for users; findings say what matters


_fail = fail  # one error ending for every command (petarawan.cli_errors)


def _lang_of(lang: LangOpt | None, study_dir: Path | None = None) -> str:
    """--lang, else PETARAWAN_LANG, else the study's [study] lang — read from the TOML even when
    the configuration is invalid, so its errors come in the study's language — else Indonesian."""
    study_lang = None
    if study_dir is not None and lang is None:
        try:
            from .config import read_config

            study = read_config(Path(study_dir))[0].get("study")
            study_lang = study.get("lang") if isinstance(study, dict) else None
        except Exception:  # noqa: BLE001 — no readable config: the default language
            study_lang = None
    return resolve_lang(lang.value if lang is not None else None, study_lang if isinstance(study_lang, str) else None)


@app.command()
def run(study_dir: Path = typer.Argument(...),
        out: Path = typer.Option(..., "--out", "-o"),
        lang: LangOpt = typer.Option(None, "--lang"),
        dpi: int = typer.Option(None, "--dpi", metavar="<int>")) -> None:
    """Run the main job.

    Example: petarawan run examples/pangkalpinang --out hasil/pangkalpinang
    """
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from .pipeline import run as run_study

    lg = _lang_of(lang, study_dir)
    if dpi is not None and not 72 <= dpi <= 600:
        raise typer.BadParameter(t("cli.dpi_range", lg, dpi=dpi), param_hint="--dpi")
    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                      console=err_console, transient=True) as progress:
            task = progress.add_task("petarawan", total=None)

            def step(msg: str) -> None:
                progress.console.print(f"  · {msg}", highlight=False)
                progress.update(task, description=msg)

            res = run_study(study_dir, out, lang=lang.value if lang else None, progress=step, dpi=dpi)
    except Exception as err:  # noqa: BLE001 — mapped to messages
        err_console.print(f"[red]{t('cli.failed', lg)}[/]")
        _fail(err, lg)
        return
    _print_summary(res, lg)
    console.print(f"[bold green]{t('cli.done', lg, out=out.resolve())}[/]")
    for p in sorted(out.iterdir()):
        console.print(f"  {p.name}")


def _print_summary(res, lang: str) -> None:
    table = Table(title=t("cli.classes", lang))
    counts = res.class_counts()
    for c in counts:
        table.add_column(t(f"class.{c}", lang))
    table.add_row(*[str(v) for v in counts.values()])
    console.print(table)
    warnings = [f for f in res.findings if f.level == "warning"]
    if warnings:
        err_console.print(f"[yellow]{t('cli.warnings', lang, n=len(warnings))}[/]")
        _print_findings(warnings, lang)


def _print_findings(findings, lang: str, per_kind: int = 10) -> None:
    """Every finding kind, at most ``per_kind`` of each, then how many more of each kind."""
    from .errors import sample_by_kind

    kept, more = sample_by_kind(findings, per_kind)
    for f in kept:
        err_console.print(f"  • {f.render(lang)}", markup=False, highlight=False, soft_wrap=True)
    for kind, n in more.items():
        err_console.print(t("cli.more_of_kind", lang, n=n, kind=kind), markup=False, highlight=False)


@app.command()
def validate(study_dir: Path = typer.Argument(...),
             lang: LangOpt = typer.Option(None, "--lang")) -> None:
    """Check every input and list every problem.

    Exit code 1 when any problem is an error.

    Example: petarawan validate examples/pangkalpinang
    """
    from .pipeline import analyse
    from .validate import load_study

    lg = _lang_of(lang, study_dir)
    try:
        study = load_study(study_dir)
    except Exception as err:  # noqa: BLE001
        _fail(err, lg)
        return
    try:
        res = analyse(study, lang=lg, post=False)  # the index and classes must be computable too
    except Exception as err:  # noqa: BLE001
        # the study's warnings (e.g. per-area partial data) often explain the error: show them first
        early = [f for f in study.findings if f.level != "info"]
        if early and isinstance(err, InputError):
            err_console.print(f"[yellow]{t('cli.warnings', lg, n=len(early))}[/]")
            _print_findings(early, lg)
        _fail(err, lg)
        return
    findings = res.findings
    shown = [f for f in findings if f.level != "info"]
    if shown:
        err_console.print(f"[yellow]{t('cli.warnings', lg, n=len(shown))}[/]")
        _print_findings(shown, lg)
    for f in findings:
        if f.level == "info":
            console.print(f"  • {f.render(lg)}", markup=False, highlight=False, soft_wrap=True)
    scored = int(res.result["score"].notna().sum())
    console.print(f"[green]{t('cli.valid', lg, n=len(study.areas), k=len(study.config.indicators), scored=scored)}[/]")


@app.command()
def init(study_dir: Path = typer.Argument(...),
         areas: Path = typer.Option(None, "--areas"),
         code_column: str = typer.Option("kode"),
         name_column: str = typer.Option("nama"),
         force: bool = typer.Option(False, "--force"),
         lang: LangOpt = typer.Option(LangOpt.id, "--lang")) -> None:
    """Write a commented template study.

    Example: petarawan init studi-saya --areas kelurahan.geojson
    """
    from .scaffold import write_template

    try:
        written = write_template(study_dir, areas=areas, code_column=code_column, name_column=name_column, force=force)
    except FileExistsError as err:
        err_console.print(t("cli.init.exists", lang.value, path=err.filename))
        raise typer.Exit(1)
    except Exception as err:  # noqa: BLE001
        _fail(err, lang.value)
        return
    for p in written:
        console.print(f"  {p}")
    key = "cli.init.done_areas" if areas is not None else "cli.init.done"
    console.print(t(key, lang.value, dir=study_dir, data=written[1].name, areas=written[2].name))


from .potential.form import form_command  # noqa: E402  (issue 5: XLSForm for the study's areas)
from .track_cli import track_app  # noqa: E402  (issue 5: petarawan track)

from .ikrn.cli import ikrn_app  # noqa: E402  (issue 10: petarawan ikrn form | status)

app.command("form")(form_command)
app.add_typer(track_app, name="track")
app.add_typer(ikrn_app, name="ikrn")
from .server.cli import server_app  # noqa: E402  (issue 11: petarawan server)

app.add_typer(server_app, name="server")


@app.command()
def serve(out_dir: Path = typer.Argument(...),
          port: int = typer.Option(8765),
          host: str = typer.Option("127.0.0.1"),
          allow_host: list[str] = typer.Option([], "--allow-host"),
          lang: LangOpt = typer.Option(None, "--lang")) -> None:
    """Open the offline web dashboard over a run's outputs.

    The dashboard answers only requests addressed to the host it is bound to (127.0.0.1 or
    localhost by default), so a web page cannot read it through DNS rebinding.

    Example: petarawan serve hasil/pangkalpinang   (lalu buka / then open http://127.0.0.1:8765)
    """
    import json
    import socket

    from .dashboard.app import allowed_hosts, create_app, is_loopback

    lg = lang.value if lang else "id"
    try:
        hosts = allowed_hosts(host, allow_host)
        web = create_app(out_dir, hosts=hosts)
        if lang is None:
            lg = json.loads((out_dir / "run.json").read_text(encoding="utf-8")).get("language", "id")
    except Exception as err:  # noqa: BLE001
        _fail(err, lg)
        return
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as err:
            err_console.print(t("cli.port_busy", lg, port=port, err=err.strerror or err, next=port + 1), markup=False)
            raise typer.Exit(1)
    if not is_loopback(host):
        err_console.print(f"[bold yellow]{t('cli.serve.exposed', lg, host=host, hosts=', '.join(sorted(hosts)))}[/]",
                          highlight=False)
    import uvicorn

    shown = f"[{host}]" if ":" in host else host
    console.print(f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{port}  (Ctrl+C)")
    uvicorn.run(web, host=host.strip("[]"), port=port, log_level="warning")


@app.command()
def replay(manifest: Path = typer.Argument(...),
           out: Path = typer.Option(..., "--out", "-o"),
           study: Path = typer.Option(None, "--study"),
           lang: LangOpt = typer.Option(None, "--lang")) -> None:
    """Replay a run from its manifest and compare every table.

    The inputs must be the recorded ones (sha256); the recorded configuration and seeds are
    used, not today's petarawan.toml.  Exit code 0 when every table is identical, 1 otherwise.

    Example: petarawan replay hasil/pangkalpinang/run.json --out hasil/ulang
    """
    from .replay import replay as replay_run

    lg = lang.value if lang else "id"
    try:
        res = replay_run(manifest, out, study_dir=study,
                         progress=lambda msg: err_console.print(f"  · {msg}", highlight=False))
    except Exception as err:  # noqa: BLE001 — mapped to messages
        err_console.print(f"[red]{t('cli.failed', lg)}[/]")
        _fail(err, lg)
        return
    table = Table(title=t("cli.replay.title", lg, version=res.recorded_version))
    for col in ("table", "recorded", "replayed", "status"):
        table.add_column(t(f"cli.replay.{col}", lg))
    style = {"identical": "green", "different": "red", "missing": "red", "new": "yellow"}
    for c in res.tables:
        table.add_row(c.name, (c.recorded or "–")[:12], (c.replayed or "–")[:12],
                      f"[{style[c.status]}]{t('cli.replay.' + c.status, lg)}[/]")
    console.print(table)
    n_same = sum(c.status == "identical" for c in res.tables)
    console.print(t("cli.replay.summary", lg, same=n_same, n=len(res.tables), out=res.out_dir), highlight=False)
    if not res.identical:
        raise typer.Exit(1)


def entry() -> None:  # pragma: no cover - thin wrapper for python -m
    app(prog_name="petarawan")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(entry())
