"""How every command ends on an error: one function for ``petarawan`` and its sub-commands.

:func:`fail` prints a user error in the reader's language and exits 1 — every finding of an
:class:`~petarawan.errors.InputError` (file, row, column, value, expected), a configuration
error, a file-system problem (disk full, permission) as a finding — and anything else as one
line "internal error" with exit code 2, never a traceback (``PETARAWAN_DEBUG=1`` re-raises).
"""

from __future__ import annotations

import errno
import os

import typer
from rich.console import Console

from .errors import ConfigError, InputError, PetarawanError
from .i18n import t

__all__ = ["fail"]

err_console = Console(stderr=True)


def fail(err: BaseException, lang: str) -> None:
    """Print ``err`` for the reader (``lang``) on standard error and exit (1 user error, 2 internal).

    Raises
    ------
    typer.Exit
        Always (code 1 or 2); ``err`` itself under ``PETARAWAN_DEBUG`` for an internal error.
    """
    if isinstance(err, OSError) and err.errno is not None:  # a file-system problem, not a bug
        from .io.atomic import os_error_finding

        writing = err.errno in (errno.ENOSPC, errno.EROFS, getattr(errno, "EDQUOT", errno.ENOSPC))
        err = InputError(os_error_finding(err, action="write" if writing else "read"))
    if isinstance(err, InputError):
        err_console.print(f"[bold red]{t('cli.errors', lang, n=len(err.findings))}[/]")
        for f in err.findings:
            err_console.print(f"  • {f.render(lang)}", markup=False, highlight=False, soft_wrap=True)
    elif isinstance(err, ConfigError):
        err_console.print(err.text(lang), markup=False, highlight=False, soft_wrap=True)
    elif isinstance(err, PetarawanError):
        err_console.print(str(err), markup=False, highlight=False, soft_wrap=True)
    else:
        if os.environ.get("PETARAWAN_DEBUG"):
            raise err
        err_console.print(t("cli.internal", lang, err=f"{type(err).__name__}: {err}"), markup=False)
        raise typer.Exit(2)
    raise typer.Exit(1)
