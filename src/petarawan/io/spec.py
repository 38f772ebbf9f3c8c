"""Reading settings shared by every input section of ``petarawan.toml``.

Pure pydantic (no other petarawan import), so every configuration module — ``config.py``,
``spatial/config.py``, ``potential/config.py`` — can mix them into its sections::

    [data]
    file = "indikator.csv"
    decimal = ","          # optional: decimal comma, dot for thousands (1.234,5)
    encoding = "cp1252"    # optional: text encoding of a CSV (default: detected)
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from .numbers import NumberStyle, style_from_settings


class TableFormat(BaseModel):
    """How a table writes numbers and text (each default: decided from the file)."""

    decimal: Literal[",", "."] | None = Field(
        None, description="Decimal separator of the table's numbers: ',' (1.234,5) or '.' (1,234.5); default: decided "
                          "per column from its cells")
    thousands: Literal[".", ",", " ", ""] | None = Field(
        None, description="Thousands separator: '.', ',', ' ' or '' (none); default: the other of ',' and '.'")
    encoding: str | None = Field(None, description="Text encoding of a CSV, e.g. 'utf-8', 'cp1252' (default: detected)")

    @model_validator(mode="after")
    def _styles(self) -> "TableFormat":
        style_from_settings(self.decimal, self.thousands)  # ValueError names the conflict
        return self

    def number_style(self) -> NumberStyle | None:
        """The explicit style, or None to decide per column."""
        return style_from_settings(self.decimal, self.thousands)


class TextEncoding(BaseModel):
    """The text encoding of a layer's attributes (a Shapefile's ``.dbf``)."""

    encoding: str | None = Field(
        None, description="Encoding of the attribute text, e.g. 'utf-8' or 'cp1252' (default: the .cpg file, or detected)")
