"""User-facing text in Bahasa Indonesia (default) and English.

Every stage keeps its own messages next to its code and registers them here with
:func:`register`; :func:`t` looks a key up in the run's language and formats it.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["id", "en"]
LANGS: tuple[str, ...] = ("id", "en")

_MESSAGES: dict[str, dict[str, str]] = {}


def register(messages: dict[str, dict[str, str]]) -> None:
    """Add messages ``{key: {"id": ..., "en": ...}}``.  Both languages are required."""
    for key, texts in messages.items():
        missing = [lang for lang in LANGS if lang not in texts]
        if missing:
            raise ValueError(f"message {key!r} lacks language(s) {missing}")
        _MESSAGES[key] = texts


def t(key: str, lang: str = "id", **kwargs: object) -> str:
    """Text of ``key`` in ``lang`` formatted with ``kwargs``; the key itself if unknown."""
    texts = _MESSAGES.get(key)
    if texts is None:
        return key.format(**kwargs) if kwargs else key
    text = texts.get(lang) or texts["id"]
    return text.format(**kwargs) if kwargs else text


register(
    {
        # classes keep their BNN names in both languages
        "class.Bahaya": {"id": "Bahaya", "en": "Bahaya (danger)"},
        "class.Waspada": {"id": "Waspada", "en": "Waspada (alert)"},
        "class.Siaga": {"id": "Siaga", "en": "Siaga (standby)"},
        "class.Aman": {"id": "Aman", "en": "Aman (safe)"},
        "class.none": {"id": "Tanpa skor", "en": "No score"},
        "illustrative": {"id": "data ilustratif", "en": "illustrative data"},
        "illustrative.long": {
            "id": "DATA ILUSTRATIF — nilai indikator bukan data kasus sebenarnya.",
            "en": "ILLUSTRATIVE DATA — indicator values are not real case data.",
        },
    }
)


def method_label(kind: str, name: str, lang: str = "id", **kwargs: object) -> str:
    # the labels ``norm.*``, ``agg.*``, ``wt.*``, ``imp.*``, ``out.*``, ``rule.*`` are registered by
    # the method registries (petarawan.methods) when their methods are defined
    """Readable name of a method choice: ``method_label("agg", "geometric")`` → "rata-rata
    geometrik".  A value ``"a|b"`` (indicator→dimension | dimension→index) reads "a → b", or once
    when both levels agree."""
    parts = str(name).split("|")
    labels = [t(f"{kind}.{p}", lang, **kwargs) if f"{kind}.{p}" in _MESSAGES else p for p in parts]
    return labels[0] if len(set(labels)) == 1 else " → ".join(labels)
