"""The message catalogue: every key the code uses is in both languages with the same fields, the
compiled .mo files are current, a missing message never shows its key, and numbers/dates read the
way an Indonesian or an English reader writes them."""

from __future__ import annotations

import ast
import datetime as dt
import importlib.util
import re
import typing
from pathlib import Path

import pytest

import petarawan
from petarawan import fmt, i18n
from petarawan.i18n import LANGS, Msg, MessageMissing, catalogue, fields, t

SRC = Path(petarawan.__file__).resolve().parent
KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[A-Za-z0-9_\-]+)+$")
KEY_CALLS = {"t", "Msg", "markup", "text_of", "has"}
"""Functions whose first argument is a message key."""


def _catalogue_module():
    spec = importlib.util.spec_from_file_location("_catalogue", SRC / "_catalogue.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _all_keys() -> set[str]:
    return set(catalogue("id")) | set(catalogue("en"))


def _namespaces() -> set[str]:
    return {k.split(".")[0] for k in _all_keys()}


def _trees():
    for p in sorted(SRC.rglob("*.py")):
        yield p.relative_to(SRC), ast.parse(p.read_text(encoding="utf-8"))


def _call_name(node: ast.Call) -> str | None:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _literals(node: ast.AST) -> list[str]:
    """String constants an expression may evaluate to ("a" if c else "b" → both)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def _pattern(node: ast.AST) -> str | None:
    """``f"class.{c}"`` → ``"class.{}"``; ``"hs.measure." + m`` → ``"hs.measure.{}"``."""
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _pattern(node.left) if not isinstance(node.left, ast.Constant) else node.left.value
        if isinstance(left, str):
            return left + (node.right.value if isinstance(node.right, ast.Constant) and isinstance(node.right.value, str)
                           else "{}")
    return None


def _config_path(text: str) -> bool:
    """``plan.budget`` / ``ikrn.returns.{}``: a setting of petarawan.toml named in a message, not a
    message key."""
    from pydantic import BaseModel

    from petarawan.registry import config_model

    model: typing.Any = config_model()
    parts = text.split(".")
    for i, part in enumerate(parts):
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or part not in model.model_fields:
            return i >= 2
        ann = model.model_fields[part].annotation
        cands = [a for a in (ann, *typing.get_args(ann)) if isinstance(a, type) and issubclass(a, BaseModel)]
        model = cands[0] if cands else None
    return True


def _uses():
    """(literal keys with their places, dynamic key patterns with their places)."""
    ns = _namespaces()
    literal: dict[str, list[str]] = {}
    dynamic: dict[str, list[str]] = {}
    for rel, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _call_name(node) in KEY_CALLS and node.args:
                for s in _literals(node.args[0]):
                    literal.setdefault(s, []).append(f"{rel}:{node.lineno}")
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and KEY.match(node.value) \
                    and node.value.split(".")[0] in ns and not node.value.rsplit(".", 1)[1] in FILE_SUFFIXES \
                    and not _config_path(node.value):
                literal.setdefault(node.value, []).append(f"{rel}:{node.lineno}")
            pat = _pattern(node)
            if pat and "{}" in pat and re.match(r"^[a-z][a-z0-9_]*\.", pat) and pat.split(".")[0] in ns \
                    and " " not in pat and "[" not in pat and not _config_path(pat.replace("{}", "x")):
                dynamic.setdefault(pat, []).append(f"{rel}:{node.lineno}")
    return literal, dynamic


FILE_SUFFIXES = {"png", "html", "json", "gpkg", "xlsx", "toml", "csv", "qml", "py", "sqlite", "po", "mo", "txt"}


def _registry_names(prefix: str) -> list[str]:
    from petarawan.classify import CLASSIFIERS
    from petarawan.index.aggregate import AGGREGATORS
    from petarawan.index.normalise import NORMALISERS
    from petarawan.index.treat import IMPUTERS, TREATMENTS
    from petarawan.index.weights import WEIGHTINGS

    reg = {r.prefix: r for r in (CLASSIFIERS, AGGREGATORS, NORMALISERS, IMPUTERS, TREATMENTS, WEIGHTINGS)}[prefix]
    return list(reg.names())


def _literal_args(model, field: str) -> list[str]:
    ann = model.model_fields[field].annotation
    for a in (ann, *typing.get_args(ann)):
        if typing.get_origin(a) is typing.Literal:
            return list(typing.get_args(a))
    raise AssertionError(f"{model.__name__}.{field} is not a Literal")


def _dynamic_domains() -> dict[str, list[str]]:
    """Every value each dynamic key pattern can take, from the registries and declarations that
    produce them."""
    from petarawan.classify import CLASSES
    from petarawan.config import IndicatorSpec
    from petarawan.ikrn.config import CHECK_KINDS
    from petarawan.io.readers import FILE_KINDS
    from petarawan.plan.config import ACTIVITIES, Programme
    from petarawan.plan.optimise import STATUSES
    from petarawan.plan.planner import LEFT_OUT
    from petarawan.registry import STAGES
    from petarawan.spatial.config import HotspotConfig, WeightsSpec
    from petarawan.style import GI_COLOURS, LISA_COLOURS, TREND_COLOURS

    regs = {f"{p}.{{}}": _registry_names(p) for p in ("norm", "imp", "out", "wt", "agg", "rule")}
    return {
        **regs,
        "class.{}": [*CLASSES, "none"],
        "stage.{}": [s.name for s in STAGES if s.name != "index"],
        "level.{}": list(typing.get_args(petarawan.errors.Level)),
        "bnn.{}": _literal_args(IndicatorSpec, "bnn"),
        "act.{}": list(ACTIVITIES),
        "plan.target.{}": _literal_args(Programme, "target"),
        "plan.status.{}": list(STATUSES),
        "ikrn.pull.why.{}": ["401", "403", "404", "other"],
        "plan.change.{}": ["membaik", "memburuk", "tetap"],  # track.recovery class_change
        "hs.inference.{}": _literal_args(HotspotConfig, "inference"),
        "map.test.{}": _literal_args(HotspotConfig, "inference"),
        "map.neighbours.{}": _literal_args(WeightsSpec, "kind"),
        "map.read.{}": ["gi", "lisa", "trend"],  # report/hotspots.reading kinds
        "hs.measure.{}": _literal_args(HotspotConfig, "measure"),
        "hs.gi.{}": [str(k) for k in GI_COLOURS],
        "hs.lisa.{}": list(LISA_COLOURS),
        "pattern.{}": list(TREND_COLOURS),
        "ikrn.kind.{}": list(CHECK_KINDS),
        "ikrn.chk.{}": list(CHECK_KINDS),
        "cli.replay.{}": ["table", "recorded", "replayed", "status", "identical", "different", "missing", "new"],
        "audit.kind.{}": ["negative_with_own_dimension", "collinear"],
        "audit.action.{}": ["none", "winsorised", "log"],
        "unc.factor.{}": ["weights", "normalisation", "aggregation", "imputation", "outliers"],  # index.uncertainty.factors
        "rep.rule.{}": ["quantiles", "jenks"],
        "rep.rule.short.{}": _registry_names("rule"),
        "finding.level.{}": list(typing.get_args(petarawan.errors.Level)),
        "file.{}": list(FILE_KINDS),
        "f.too_large.unit.{}": ["rows", "columns", "cells", "bytes"],  # io/tables.py _too_big units
        "f.spatial_not_finite.{}": ["missing", "infinite"],  # spatial/hotspots.py
        "server.f.{}": _server_finding_codes(),
        "why.intro.{}": _registry_names("rule"),  # report/why.py: every classification rule
        "why.rule.{}": ["quantiles", "jenks"],  # report/why.py: count_rule and bands have their own keys
        "plan.hidden.{}": ["True", "False"],  # report/plan.py: Rencana's "hidden in published outputs"
        "plan.left.{}": list(LEFT_OUT),  # plan/planner.py: why an area is left out of the plan
    }


def _server_finding_codes() -> list[str]:
    """The codes server/files.py passes to its ``finding(code, ...)`` helper (message server.f.<code>)."""
    src = (SRC / "server" / "files.py").read_text(encoding="utf-8")
    return sorted(set(re.findall(r'\bfinding\("([a-z_]+)"', src)))


RUNTIME = {
    # key patterns over the columns of a result frame: every heading is looked up when the example
    # and the stage tests write their sheets, under strict messages (a missing one raises)
    "hs.h.{}": "report/hotspots.py headings — tests/spatial/test_spatial_outputs.py",
    "unc.h.{}": "report/uncertainty.py headings — tests/test_uncertainty.py",
    "plan.col.{}": "report/plan.py sheets — tests/test_plan.py",
    "pot.col.{}": "report/potential.py headings (has() first) — tests/test_potential.py",
    "pot.pre.{}": "report/potential.py question prefixes — tests/test_potential.py",
    "ikrn.col.{}": "ikrn/stage.py headings (has() first) — tests/test_ikrn_stage.py",
    "audit.h.{}": "index/audit.py headings — tests/test_audit.py",
    "col.{}": "report/tables.py quality sheet — tests/test_outputs.py",
    "rep.{}": "report/html.py headings — tests/test_pipeline.py",
    "{}.exp": "expectation of a finding key — tests/test_ikrn_round.py",
    "help.{}": "cli_help.py: every command's help — tests/test_cli.py::test_every_command_and_option_has_help_in_both_languages",
    "help.{}.{}": "cli_help.py: every option's help — tests/test_cli.py::test_every_command_and_option_has_help_in_both_languages",
}


def test_both_catalogues_have_the_same_keys_and_fields():
    ids, ens = catalogue("id"), catalogue("en")
    assert sorted(set(ids) ^ set(ens)) == []
    bad = {k: (sorted(fields(ids[k])), sorted(fields(ens[k]))) for k in ids if fields(ids[k]) != fields(ens[k])}
    assert bad == {}
    assert len(ids) > 500 and all(v.strip() for v in ids.values()) and all(v.strip() for v in ens.values())


def test_mo_files_are_present_and_compiled_from_the_current_po_files():
    cat = _catalogue_module()
    assert cat.languages() == sorted(LANGS)
    for lang in LANGS:
        mo = cat.mo_path(lang)
        assert mo.is_file(), f"{mo} missing: run `make install` (pip install -e .) to compile the catalogues"
        assert i18n.read_mo(mo.read_bytes()) == i18n.read_mo(cat.mo_bytes(cat.po_path(lang))), \
            f"{mo} is older than its .po: run `make install` (pip install -e .) to recompile"


def test_every_key_the_code_uses_is_in_both_catalogues():
    literal, _ = _uses()
    keys = _all_keys()
    missing = {k: places for k, places in literal.items() if k not in keys}
    assert missing == {}
    for k in literal:
        for lang in LANGS:
            assert k in catalogue(lang), (k, lang)


def test_every_dynamic_key_pattern_is_enumerated_and_complete():
    _, dynamic = _uses()
    domains = _dynamic_domains()
    unknown = {p: places for p, places in dynamic.items() if p not in domains and p not in RUNTIME}
    assert unknown == {}, "add the pattern's values to _dynamic_domains() (or RUNTIME with the test exercising it)"
    keys = _all_keys()
    for pat, values in domains.items():
        assert values, pat
        missing = [pat.format(v) for v in values if pat.format(v) not in keys]
        assert missing == [], pat


def test_no_message_is_unused():
    literal, dynamic = _uses()
    used = set(literal) | {p.format(v) for p, values in _dynamic_domains().items() for v in values}
    pats = [re.compile(re.escape(p).replace(r"\{\}", r"[^ ]+") + "$") for p in [*dynamic, *RUNTIME]]
    unused = sorted(k for k in _all_keys() if k not in used and not any(p.match(k) for p in pats))
    assert unused == []


def test_call_sites_give_every_field_their_message_needs():
    ids = catalogue("id")
    problems = []
    for rel, tree in _trees():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _call_name(node) in ("t", "Msg", "markup") and node.args):
                continue
            if any(k.arg is None for k in node.keywords):  # **params: checked at run time (strict)
                continue
            given = {k.arg for k in node.keywords}
            for key in _literals(node.args[0]):
                if key in ids and not fields(ids[key]) <= given:
                    problems.append((f"{rel}:{node.lineno}", key, sorted(fields(ids[key]) - given)))
    assert problems == []


def test_a_missing_message_raises_and_never_shows_its_key(monkeypatch):
    with pytest.raises(MessageMissing):
        t("no.such.message", "id")
    with pytest.raises(MessageMissing):
        Msg("no.such.message").render("en")
    # outside the tests a message missing in one language falls back to the other, never to its key
    monkeypatch.setenv(i18n.ENV_STRICT, "0")
    monkeypatch.setitem(catalogue("en"), "only.in.id", "x")
    monkeypatch.delitem(catalogue("en"), "only.in.id")
    monkeypatch.setitem(catalogue("id"), "only.in.id", "teks {n}")
    assert t("only.in.id", "en", n=3) == "teks 3"
    with pytest.raises(MessageMissing):
        t("no.such.message", "en")


def test_a_missing_field_raises_under_the_tests():
    with pytest.raises(KeyError):
        t("cli.done", "id")  # needs {out}
    assert t("cli.done", "en", out="hasil") == "Done. Results are in: hasil"


def test_fields_are_filled_in_the_readers_language():
    # hand-written expectations (issue 12 item 8): 62.5 → "62,5" in Indonesian, "62.5" in English
    assert t("rep.rule.bands", "id", b=62.5, w=50, s=37.5) == \
        "Kelas ditentukan dari skor: Bahaya ≥ 62,5, Waspada ≥ 50, Siaga ≥ 37,5, selain itu Aman."
    assert t("rep.rule.bands", "en", b=62.5, w=50, s=37.5) == \
        "Classes from the score: Bahaya ≥ 62.5, Waspada ≥ 50, Siaga ≥ 37.5, otherwise Aman."
    nested = Msg("cli.done", out=Msg("class.none"))
    assert nested.render("id") == "Selesai. Hasil ada di: Tanpa skor"
    assert nested.render("en") == "Done. Results are in: No score"
    assert nested.to_dict() == {"key": "cli.done", "params": {"out": {"key": "class.none", "params": {}}},
                                "id": "Selesai. Hasil ada di: Tanpa skor", "en": "Done. Results are in: No score"}


@pytest.mark.parametrize("value, spec, lang, text", [
    (1234.5, "", "id", "1.234,5"), (1234.5, "", "en", "1,234.5"),
    (0.21, "", "id", "0,21"), (0.21, "", "en", "0.21"),
    (2026, "", "id", "2026"),                   # years and row numbers are never grouped
    (11850, ",", "id", "11.850"), (11850, ",", "en", "11,850"),
    (16.5, ".2f", "id", "16,50"), (1234.56, ".1f", "en", "1,234.6"),
    (62.5, "g", "id", "62,5"), (0.123456, ".3g", "id", "0,123"),
    (0.215, ".1%", "id", "21,5%"), (0.215, ".0%", "en", "22%"),
])
def test_number_fields(value, spec, lang, text):
    assert fmt.format_value(value, spec, lang) == text


def test_formatting_module_by_hand():
    assert fmt.number(1234.5, "id") == "1.234,5" and fmt.number(1234.5, "en") == "1,234.5"
    assert fmt.number(float("nan"), "id") == "–" and fmt.number(None, "en") == "–"
    assert fmt.readable(11850.4, "id") == "11.850" and fmt.readable(0.213456, "en") == "0.2135"
    assert fmt.integer(1_000_000, "id") == "1.000.000" and fmt.integer(1_000_000, "en") == "1,000,000"
    assert fmt.rupiah(1_250_000, "id") == "Rp 1.250.000" and fmt.rupiah(1_250_000, "en") == "Rp 1,250,000"
    assert fmt.rupiah_short(750_000_000, "id") == "Rp 750 juta"
    assert fmt.rupiah_short(750_000_000, "en") == "Rp 750 million"
    assert fmt.rupiah_short(1_270_000_000, "id") == "Rp 1,3 miliar"
    assert fmt.date(dt.date(2026, 4, 28), "id") == "28 April 2026" and fmt.date("2026-04-28", "en") == "28 April 2026"
    assert fmt.date("2025-08", "id") == "Agustus 2025" and fmt.date("2025-08", "en") == "August 2025"
    assert fmt.date("Triwulan I 2025", "en") == "Triwulan I 2025"  # not a date: as written
    # 08:45 UTC is 15:45 in Western Indonesia Time (UTC+7); Indonesian writes the time with a dot
    assert fmt.timestamp("2026-11-29T08:45:50+00:00", "id") == "29 November 2026, 15.45 WIB"
    assert fmt.timestamp("2026-11-29T08:45:50+00:00", "en") == "29 November 2026, 15:45 WIB"


def test_language_resolution_order(monkeypatch):
    monkeypatch.delenv(i18n.ENV_LANG, raising=False)
    assert i18n.resolve_lang(None, None) == "id" and i18n.resolve_lang(None, "en") == "en"
    monkeypatch.setenv(i18n.ENV_LANG, "en")
    assert i18n.resolve_lang(None, "id") == "en"      # the environment before the study
    assert i18n.resolve_lang("id", "en") == "id"      # --lang before everything
    monkeypatch.setenv(i18n.ENV_LANG, "fr")
    assert i18n.resolve_lang(None, "en") == "en"      # an unknown language is skipped
