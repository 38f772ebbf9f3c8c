"""Named method registries: one per kind of method choice.

Every choice an analyst can name in ``petarawan.toml`` — a normalisation, an imputation, an
outlier treatment, a weighting, an aggregation, a classification — is a :class:`Method` in
exactly one :class:`MethodRegistry`.  The registry is the single source of

1. the allowed names in the configuration (:meth:`MethodRegistry.literal` gives the pydantic type, so
   an unknown name is refused with the list of valid ones);
2. the alternatives the uncertainty analysis may draw (the same names);
3. the readable labels in Bahasa Indonesia and English: the message key ``<prefix>.<name>`` (e.g.
   ``norm.minmax``, ``agg.geometric``) in the message catalogue (``locale/*/petarawan.po``;
   ``tests/test_i18n.py`` fails when a registered method has no label in either language).

The implementations live next to their mathematics (``index/normalise.py``, ``index/treat.py``,
``index/weights.py``, ``index/aggregate.py``, ``classify.py``); each module creates its registry
and registers its functions.  This module imports nothing from petarawan but :mod:`i18n`, so
``config.py`` can import the registries without an import cycle.

Modelled on COINr's method families by name prefix (``n_minmax``, ``a_amean``; Becker et al.,
COINr, ``R/normalise.R``, ``R/aggregate.R``), with the name → function table made explicit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Generic, Iterator, Literal, TypeVar

from . import i18n

__all__ = ["Method", "MethodRegistry"]


@dataclass(frozen=True)
class Method:
    """One named method.

    Attributes
    ----------
    name : str
        The name used in ``petarawan.toml`` and ``run.json``.
    func : callable
        The pure function (layer 1 in COINr's terms: arrays in, arrays out).
    source : str
        Where the formula comes from (shown in docs and ``run.json``).
    meta : dict
        Kind-specific properties read by the orchestration (e.g. a normaliser's ``on_range``).
    """

    name: str
    func: Callable[..., Any]
    source: str = ""
    meta: dict = field(default_factory=dict)

    def __getattr__(self, key: str) -> Any:  # meta entries read as attributes: NORMALISERS["rank"].on_range
        meta = object.__getattribute__(self, "meta")
        if key in meta:
            return meta[key]
        raise AttributeError(key)


M = TypeVar("M", bound=Method)


class MethodRegistry(Generic[M]):
    """An ordered name → :class:`Method` table for one kind of method.

    Parameters
    ----------
    kind : str
        What the methods are, for messages ("normalisation").
    prefix : str
        i18n key prefix of the labels ("norm").
    """

    def __init__(self, kind: str, prefix: str) -> None:
        self.kind = kind
        self.prefix = prefix
        self._methods: dict[str, Method] = {}

    def add(self, name: str, func: Callable[..., Any], *, source: str = "", **meta: Any) -> Method:
        """Register ``func`` under ``name``; its readable label is the catalogue message
        ``<prefix>.<name>``.

        Raises
        ------
        ValueError
            ``name`` is already registered (two implementations of one name).
        """
        if name in self._methods:
            raise ValueError(f"{self.kind} method {name!r} is already registered")
        method = Method(name, func, source, dict(meta))
        self._methods[name] = method
        return method

    def __getitem__(self, name: str) -> Method:
        try:
            return self._methods[name]
        except KeyError:
            raise ValueError(f"unknown {self.kind} {name!r}; choose one of {list(self._methods)}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._methods

    def __iter__(self) -> Iterator[Method]:
        return iter(self._methods.values())

    def __len__(self) -> int:
        return len(self._methods)

    def names(self, **where: Any) -> tuple[str, ...]:
        """Registered names in registration order; ``names(on_range=True)`` filters on meta."""
        return tuple(m.name for m in self._methods.values() if all(m.meta.get(k) == v for k, v in where.items()))

    def literal(self, **where: Any) -> Any:
        """``Literal[...]`` of :meth:`names` — the pydantic type of a configuration field."""
        return Literal[self.names(**where)]  # type: ignore[valid-type]

    def key(self, name: str) -> str:
        """Catalogue key of the label of ``name`` (``norm.minmax``)."""
        return f"{self.prefix}.{self[name].name}"

    def label(self, name: str, lang: str = "id", **kwargs: Any) -> str:
        """Readable label of ``name`` in ``lang``, formatted with ``kwargs``."""
        return i18n.t(self.key(name), lang, **kwargs)
