"""The command line's own text in the reader's language: every command's help, every option's
help, and the words typer/click print around them ("Usage:", "Options", "Show this message and
exit.", "[default: …]").

Help is printed while the arguments are parsed, before any command runs, so the language is read
from the arguments themselves (:func:`cli_lang`: ``--lang``, else ``PETARAWAN_LANG``, else the
``[study] lang`` of a study folder named on the command line, else Indonesian) and the click
command tree is relabelled from the catalogue (:func:`localise`) before click parses.  Help texts
are catalogue messages ``help.<command path>`` (``help.app``, ``help.run``, ``help.track.add``)
and ``help.<command path>.<parameter>``; ``tests/test_cli.py`` checks that every command and
parameter has both.
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path
from typing import Any, Sequence

import typer
import typer.rich_utils as rich_utils
from typer._click import decorators as _decorators
from typer._click import formatting as _formatting
from typer.core import TyperGroup

from .i18n import ENV_LANG, LANGS, resolve_lang, t

_STATE = {"lang": "id"}

# typer's fixed words (typer.rich_utils module constants) → catalogue keys
_RICH_WORDS = {
    "ARGUMENTS_PANEL_TITLE": "help.click.arguments",
    "OPTIONS_PANEL_TITLE": "help.click.options",
    "COMMANDS_PANEL_TITLE": "help.click.commands",
    "ERRORS_PANEL_TITLE": "help.click.error",
    "ABORTED_TEXT": "help.click.aborted",
    "DEFAULT_STRING": "help.click.default",
    "REQUIRED_LONG_STRING": "help.click.required",
    "RICH_HELP": "help.click.try_help",
}


def cli_lang(argv: Sequence[str]) -> str:
    """The reader's language for a command line: ``--lang X`` / ``--lang=X``, else
    ``PETARAWAN_LANG``, else the ``[study] lang`` of the first argument that is a study folder,
    else Indonesian."""
    explicit = None
    args = [str(a) for a in argv]
    for i, a in enumerate(args):
        if a == "--lang" and i + 1 < len(args):
            explicit = args[i + 1]
        elif a.startswith("--lang="):
            explicit = a.split("=", 1)[1]
    study = None
    if not (explicit and explicit.lower() in LANGS) and not os.environ.get(ENV_LANG):
        for a in args:
            if not a.startswith("-") and (Path(a) / "petarawan.toml").is_file():
                study = _study_lang(Path(a) / "petarawan.toml")
                break
    return resolve_lang(explicit, study)


def _study_lang(path: Path) -> str | None:
    try:
        lang = tomllib.loads(path.read_text(encoding="utf-8")).get("study", {}).get("lang")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError):
        return None
    return lang if isinstance(lang, str) else None


def commands(cmd: Any, path: str = "") -> list[tuple[str, Any]]:
    """``[(path, click command)]`` of the whole tree: ``("app", group)``, ``("run", cmd)``,
    ``("track.add", cmd)`` …"""
    out = [(path or "app", cmd)]
    for name, sub in getattr(cmd, "commands", {}).items():
        out += commands(sub, f"{path}.{name}" if path else name)
    return out


def help_keys(root: Any) -> list[str]:
    """Every catalogue key the help of ``root``'s tree needs."""
    keys = []
    for path, cmd in commands(root):
        keys.append(f"help.{path}")
        keys += [f"help.{path}.{p.name}" for p in cmd.params if p.name != "help"]
    return keys


def localise(root: Any, lang: str) -> None:
    """Relabel the click command tree ``root`` and typer's fixed words in ``lang``."""
    _STATE["lang"] = lang
    for path, cmd in commands(root):
        cmd.help = t(f"help.{path}", lang)
        cmd.short_help = None
        for p in cmd.params:
            if p.name != "help":
                p.help = t(f"help.{path}.{p.name}", lang)
        if getattr(cmd, "_help_option", None) is not None:
            cmd._help_option.help = t("help.click.help", lang)
    for name, key in _RICH_WORDS.items():
        setattr(rich_utils, name, t(key, lang))


class LocalisedGroup(TyperGroup):
    """The top command group: relabels the tree in the reader's language before parsing."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        localise(self, cli_lang(argv))
        return super().main(args, *rest, **kwargs)


# click's own words: the usage prefix and the help option's text (created lazily, per command)
_write_usage = _formatting.HelpFormatter.write_usage
_help_option = _decorators.help_option


def _localised_write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
    _write_usage(self, prog, args, t("help.click.usage", _STATE["lang"]) + " " if prefix is None else prefix)


def _localised_help_option(param_decls: list[str]):
    add = _help_option(param_decls)

    def decorator(cmd: Any) -> Any:
        add(cmd)
        cmd.params[-1].help = t("help.click.help", _STATE["lang"])
        return cmd

    return decorator


_formatting.HelpFormatter.write_usage = _localised_write_usage  # type: ignore[method-assign]
_decorators.help_option = _localised_help_option

__all__ = ["LocalisedGroup", "cli_lang", "commands", "help_keys", "localise", "typer"]
