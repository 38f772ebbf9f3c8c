"""Rendering HTML from the templates in ``report/templates`` (jinja2, autoescape on).

Every HTML petarawan writes comes from a template: text from input files (names, labels,
column headings) is escaped by jinja2; only fragments this module renders itself (tables of
:func:`html_table`, other templates) are passed on as safe markup.
"""

from __future__ import annotations

import base64
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup

ENV = jinja2.Environment(loader=jinja2.PackageLoader("petarawan.report", "templates"), autoescape=True,
                         undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render(template: str, **context: Any) -> Markup:
    """Render ``templates/<template>`` with ``context``; the result is safe to embed in another
    template (it was escaped when rendered).

    Raises
    ------
    jinja2.UndefinedError
        The template uses a name not in ``context``.
    """
    return Markup(ENV.get_template(template).render(**context))


def html_table(df: pd.DataFrame, lang: str, decimals: dict[str, int | None] | None = None) -> Markup:
    """A DataFrame as an HTML table, every cell as the reader writes it in ``lang``
    (:func:`petarawan.report.cells.cell`: ``ya``/``tidak``, ``84,40``, ``–`` for a missing
    value); cells escaped.  ``decimals`` by column (default: whole columns without, others 2)."""
    from .cells import frame

    return Markup(frame(df, lang, decimals).to_html(index=False, border=0, escape=True))


def b64(png: bytes) -> str:
    """PNG bytes as base64 text for a ``data:`` URI."""
    return base64.b64encode(png).decode("ascii")


def markup(key: str, lang: str, **params: Any) -> Markup:
    """A registered message that holds markup itself (``<b>…</b>``, ``&lt;``), formatted with
    ``params`` escaped (:meth:`markupsafe.Markup.format`)."""
    from markupsafe import escape

    from ..i18n import fill, text_of

    return Markup(fill(text_of(key, lang), lang, params, escape=escape))
