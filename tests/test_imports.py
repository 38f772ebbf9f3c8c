"""No import cycle anywhere in ``src/petarawan``: a graph of every import statement (module-level
and inside functions; not the ``if TYPE_CHECKING:`` blocks, which never run) must be acyclic."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "petarawan"


def _module_name(path: Path) -> str:
    parts = ("petarawan",) + path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or \
        (isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, module: str, is_package: bool, known: set[str]) -> set[str]:
    """Modules of ``known`` imported anywhere in ``tree`` (functions included)."""
    package = module if is_package else module.rpartition(".")[0]
    out: set[str] = set()

    def resolve(name: str) -> str | None:
        # the module itself if known, else its nearest known parent (``from .x import y`` where
        # y is a function of module x)
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("petarawan"):
                    out.add(resolve(a.name))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("petarawan"):
                for a in node.names:  # ``from . import stage`` imports the submodule
                    sub = f"{target}.{a.name}"
                    out.add(sub if sub in known else resolve(target))
        stack.extend(ast.iter_child_nodes(node))
    out.discard(None)
    out.discard(module)
    return out


def import_graph() -> dict[str, set[str]]:
    files = sorted(SRC.rglob("*.py"))
    known = {_module_name(p) for p in files}
    return {_module_name(p): _imports(ast.parse(p.read_text(encoding="utf-8")), _module_name(p),
                                      p.name == "__init__.py", known) for p in files}


def test_the_graph_sees_function_level_and_relative_imports():
    """The walker must see what the check relies on (else an empty graph would pass)."""
    g = import_graph()
    assert "petarawan.registry" in g["petarawan.validate"]          # module level, relative
    assert "petarawan.pipeline" in g["petarawan.cli"]               # inside a function
    assert "petarawan.potential.stage" in g["petarawan.registry"]   # ``from .potential import stage``
    assert "petarawan.config" not in g["petarawan.stages"]          # TYPE_CHECKING only


def test_no_import_cycle():
    g = import_graph()
    try:
        graphlib.TopologicalSorter(g).prepare()
    except graphlib.CycleError as err:
        pytest.fail("import cycle: " + " → ".join(err.args[1]))
