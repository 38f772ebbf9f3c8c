"""The IKRN question bank: items, the instruments that ask them, respondent roles, dimensions.

BNN's IKRN (Indeks Kawasan Rawan Narkoba, 2024+) collects three questionnaires per
desa/kelurahan — IKRN 1 residents, IKRN 2 the village head, IKRN 3 Bhabinkamtibmas/Babinsa —
but its items, weights and cut-offs are not public (``docs/method_ikrn.md``).  The bank is
therefore configuration: a TOML file named by ``[ikrn] bank`` in ``petarawan.toml``, validated
here with pydantic (unknown keys and wrong types are errors naming the key).  Without one, the
shipped *illustrative* bank ``bank_ilustratif.toml`` is used, and every output says so.

Item scoring (:func:`item_points`): every answer becomes a 0–100 proneness value,

- ``likert`` (1–5):   p = 100 · (x − 1) / 4
- ``yesno``:          p = 100 for "ya", 0 for "tidak"
- ``count`` (≥ 0):    p = 100 · min(x, max) / max

and ``direction = -1`` turns p into 100 − p, so that 100 is always the most drug-prone answer.
"Tidak tahu" (don't know) and an unanswered item carry no value (see
:mod:`petarawan.ikrn.aggregate` for how they are handled).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..i18n import Msg, MsgError
from ..errors import ConfigError
from ..io.toml import parse_toml, read_toml

__all__ = ["Bank", "Item", "Instrument", "Role", "Dimension", "load_bank", "default_bank", "SCALES", "DONT_KNOW",
           "YES", "NO", "DK_COUNT", "item_points", "item_coefficients", "points_matrix", "INSTRUMENTS"]

INSTRUMENTS: tuple[str, ...] = ("ikrn1", "ikrn2", "ikrn3")
"""Instrument codes: IKRN 1 residents, IKRN 2 village head, IKRN 3 village police/army officers."""
DONT_KNOW = "tt"
"""Choice name of "tidak tahu" (don't know) in select questions."""
YES, NO = "ya", "tidak"
DK_COUNT = -1
"""Value typed for "don't know" in a count question (an integer field cannot hold a choice)."""

SCALES: dict[str, list[tuple[str, str, str]]] = {
    # name → [(choice name, label id, label en)] for Likert items, 1 = least, 5 = most
    "agree": [("1", "Sangat tidak setuju", "Strongly disagree"), ("2", "Tidak setuju", "Disagree"),
              ("3", "Ragu-ragu", "Neither agree nor disagree"), ("4", "Setuju", "Agree"),
              ("5", "Sangat setuju", "Strongly agree")],
    "frequency": [("1", "Tidak pernah", "Never"), ("2", "Jarang", "Rarely"), ("3", "Kadang-kadang", "Sometimes"),
                  ("4", "Sering", "Often"), ("5", "Sangat sering", "Very often")],
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Dimension(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label_id: str
    label_en: str = ""

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" and self.label_en else self.label_id


class Role(_Strict):
    """A respondent role offered in every form (``select_one peran``)."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label_id: str
    label_en: str = ""


class Instrument(_Strict):
    """One questionnaire (IKRN 1, 2 or 3) and the respondent roles it is meant for."""

    code: Literal["ikrn1", "ikrn2", "ikrn3"]
    label_id: str
    label_en: str = ""
    roles: list[str] = Field(min_length=1, description="Role codes that may answer this instrument")

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" and self.label_en else self.label_id


class Item(_Strict):
    """One question of the bank.

    Attributes
    ----------
    code : str
        Question name in the XLSForm and column name in the export (a valid XML name).
    response : {"likert", "yesno", "count"}
    direction : {1, -1}
        1: a higher answer means a more drug-prone area.
    scale : {"agree", "frequency"}
        Anchor labels of a Likert item.
    max : int | None
        Count items: the count that scores 100 (larger counts are capped there).
    dont_know : bool
        Offer "tidak tahu" (don't know); counts take :data:`DK_COUNT` for it.
    """

    code: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    text_id: str
    text_en: str = ""
    instruments: list[Literal["ikrn1", "ikrn2", "ikrn3"]] = Field(min_length=1)
    response: Literal["likert", "yesno", "count"]
    direction: Literal[1, -1] = 1
    dimension: str
    dont_know: bool = True
    scale: Literal["agree", "frequency"] = "agree"
    max: int | None = Field(None, ge=1, le=10_000)

    @model_validator(mode="after")
    def _count_needs_max(self) -> "Item":
        if self.response == "count" and self.max is None:
            raise MsgError(Msg("cfg.bank_count_max", code=self.code), at="max")
        if self.response != "count" and self.max is not None:
            raise MsgError(Msg("cfg.bank_max_only_count", code=self.code), at="max")
        return self


class Bank(_Strict):
    """A whole question bank (``bank_ilustratif.toml`` shows every key)."""

    title_id: str
    title_en: str = ""
    illustrative: bool = Field(False, description="True when the items are not an office's real instrument")
    version: str = Field("1", description="Written to the forms' settings.version; recorded in run.json")
    dimensions: list[Dimension] = Field(min_length=1)
    roles: list[Role] = Field(min_length=1)
    instruments: list[Instrument] = Field(min_length=1)
    items: list[Item] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> "Bank":
        for kind, codes in (("dimension", [d.code for d in self.dimensions]), ("role", [r.code for r in self.roles]),
                            ("instrument", [i.code for i in self.instruments]), ("item", [i.code for i in self.items])):
            dup = sorted({c for c in codes if codes.count(c) > 1})
            if dup:
                raise MsgError(Msg("cfg.bank_dup", kind=kind, codes=", ".join(dup)), at=f"{kind}s")
        dims = {d.code for d in self.dimensions}
        roles = {r.code for r in self.roles}
        insts = {i.code for i in self.instruments}
        reserved = {"start", "end", "instrumen", "persetujuan", "kecamatan", "kode_wilayah", "peran", "lokasi"}
        for it in self.items:
            if it.dimension not in dims:
                raise MsgError(Msg("cfg.bank_item_dimension", code=it.code, dim=it.dimension, known=", ".join(sorted(dims))),
                               at=f"items[{it.code}].dimension")
            missing = sorted(set(it.instruments) - insts)
            if missing:
                raise MsgError(Msg("cfg.bank_item_instrument", code=it.code, missing=", ".join(missing), known=", ".join(sorted(insts))),
                               at=f"items[{it.code}].instruments")
            if it.code in reserved:
                raise MsgError(Msg("cfg.bank_reserved", code=it.code), at=f"items[{it.code}].code")
        for ins in self.instruments:
            bad = sorted(set(ins.roles) - roles)
            if bad:
                raise MsgError(Msg("cfg.bank_instrument_role", code=ins.code, bad=", ".join(bad), known=", ".join(sorted(roles))),
                               at=f"instruments[{ins.code}].roles")
            if not any(ins.code in it.instruments for it in self.items):
                raise MsgError(Msg("cfg.bank_instrument_empty", code=ins.code), at=f"instruments[{ins.code}]")
        owner: dict[str, str] = {}
        for ins in self.instruments:
            for r in ins.roles:
                if r in owner:
                    raise MsgError(Msg("cfg.bank_role_twice", role=r, a=owner[r], b=ins.code), at=f"instruments[{ins.code}].roles")
                owner[r] = ins.code
        return self

    def instrument(self, code: str) -> Instrument:
        return next(i for i in self.instruments if i.code == code)

    def items_of(self, instrument: str) -> list[Item]:
        """The items an instrument asks, in bank order."""
        return [it for it in self.items if instrument in it.instruments]

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_id


def parse_bank(data: dict, source: str) -> Bank:
    """Validate a bank mapping; :class:`ConfigError` naming every bad key (and any number that is
    not finite), in the reader's language."""
    from ..config import validate_config

    return validate_config(data, Bank, source)


def load_bank(path: Path | None) -> Bank:
    """Read and validate a bank TOML file; ``None`` gives :func:`default_bank`.

    Raises
    ------
    ConfigError
        Missing file, invalid TOML (line and column), or invalid content (naming the key).
    """
    if path is None:
        return default_bank()
    path = Path(path)
    if not path.is_file():
        raise ConfigError(Msg("cfg.bank_not_found", path=str(path)))
    data = read_toml(path)
    return parse_bank(data, str(path))


def default_bank() -> Bank:
    """The shipped illustrative bank (``bank_ilustratif.toml``)."""
    text = resources.files("petarawan.ikrn").joinpath("bank_ilustratif.toml").read_text(encoding="utf-8")
    return parse_bank(parse_toml(text, "bank_ilustratif.toml"), "bank_ilustratif.toml")


def item_coefficients(item: Item) -> tuple[float, float, float, bool]:
    """(cap, mult, add, flip) with p = min(x, cap) · mult + add, then 100 − p when ``flip``:
    the formulas of the module docstring as numbers, so a whole answer matrix is scored at once."""
    if item.response == "likert":
        cap, mult, add = 5.0, 25.0, -25.0
    elif item.response == "yesno":
        cap, mult, add = 1.0, 100.0, 0.0
    else:
        cap, mult, add = float(item.max), 100.0 / float(item.max), 0.0
    return cap, mult, add, item.direction == -1


def points_matrix(items: list[Item], answers: np.ndarray) -> np.ndarray:
    """0–100 proneness of an answer matrix (rows respondents, columns ``items``): float32, NaN
    where ``answers`` is NaN or −1 (don't know).  Same values as :func:`item_points` per column."""
    co = np.array([item_coefficients(it) for it in items], dtype=np.float32).reshape(-1, 4)
    p = np.array(answers, dtype=np.float32)          # a copy, worked on in place
    p[p == -1] = np.nan
    np.minimum(p, co[:, 0], out=p)
    p *= co[:, 1]
    p += co[:, 2]
    flip = np.flatnonzero(co[:, 3] > 0)
    if len(flip):
        p[:, flip] = np.float32(100) - p[:, flip]
    return p


def item_points(item: Item, values: np.ndarray) -> np.ndarray:
    """0–100 proneness of answers to one item (formulas in the module docstring).

    Parameters
    ----------
    values : float array
        Likert 1–5, yes/no as 1 (ya) / 0 (tidak), counts ≥ 0; NaN for no value (don't know,
        unanswered, out of scale).

    Returns
    -------
    float array of the same shape, NaN where ``values`` is NaN.
    """
    cap, mult, add, flip = item_coefficients(item)
    p = np.minimum(np.asarray(values, dtype=float), cap) * mult + add
    return 100.0 - p if flip else p
