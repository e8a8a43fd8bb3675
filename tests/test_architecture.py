"""The layering in docs/architecture.md, checked on the real import graph so it cannot drift.

Every ``import`` counts, wherever it stands (top level, inside a function, under
``TYPE_CHECKING``): a cycle hidden in a function is still a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "coachbot"

# layer -> the layers it may import (besides itself). Inner layers first.
ALLOWED: dict[str, set[str]] = {
    "domain": set(),
    "logfmt": set(),
    "validation": {"domain"},
    "content": {"domain", "validation"},
    "grading": {"domain", "content"},
    "store": {"domain", "logfmt"},
    "present": {"domain", "content", "grading"},
    "usecases": {"domain", "content", "grading", "present", "logfmt"},
    "platforms": {"domain", "content", "present", "usecases", "logfmt"},
    "settings": {"domain", "validation"},
    "runtime": {"domain", "content", "grading", "store", "present", "usecases", "platforms", "settings", "logfmt",
                "validation"},
    "cli": {"domain", "content", "grading", "store", "present", "usecases", "platforms", "settings", "runtime",
            "logfmt", "validation"},
}
ENTRY = {"__init__", "__main__"}


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(path: Path) -> set[str]:
    """Every coachbot module ``path`` imports, resolved to the deepest existing module."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from pkg import sub`` depends on pkg.sub; ``from pkg.mod import name`` on pkg.mod
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name.split(".")[0] == "coachbot":
                found.add(resolve(name))
    return found - {module_name(path)}


def resolve(name: str) -> str:
    parts = name.split(".")
    while parts:
        base = PACKAGE.parent.joinpath(*parts)
        if base.with_suffix(".py").is_file() or (base / "__init__.py").is_file():
            return ".".join(parts)
        parts.pop()
    return name


GRAPH = {module_name(p): imports(p) for p in PACKAGE.rglob("*.py")}


def test_the_graph_is_not_empty():
    assert len(GRAPH) > 40 and sum(map(len, GRAPH.values())) > 100


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if layer_of(m) not in ENTRY))
def test_imports_point_inward(module):
    layer = layer_of(module)
    assert layer in ALLOWED, f"{module}: folder {layer!r} is not in docs/architecture.md's layers"
    wrong = sorted(m for m in GRAPH[module] if layer_of(m) != layer and layer_of(m) not in ALLOWED[layer]
                   and layer_of(m) not in ENTRY)
    assert not wrong, f"{module} ({layer}) may not import {wrong}"


def test_the_core_imports_no_platform_library():
    core = ("domain", "content", "grading", "store", "present", "usecases")
    banned = ("slack_bolt", "slack_sdk", "apscheduler", "click", "waitress", "websockets")
    for module, path in ((module_name(p), p) for p in PACKAGE.rglob("*.py")):
        if layer_of(module) not in core:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not [n for n in names if n.split(".")[0] in banned], f"{module} imports {names}"


def test_no_import_cycles():
    """Tarjan's strongly connected components over the module graph: every component is one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH.get(v, ()):
            if w not in GRAPH:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    assert cycles == []


def test_a_planted_cycle_would_be_found():
    """The checker itself works: a two-module cycle is a component of two."""
    saved = dict(GRAPH)
    try:
        GRAPH["coachbot.domain.text"] = GRAPH["coachbot.domain.text"] | {"coachbot.domain.records"}
        GRAPH["coachbot.domain.records"] = GRAPH["coachbot.domain.records"] | {"coachbot.domain.text"}
        with pytest.raises(AssertionError):
            test_no_import_cycles()
    finally:
        GRAPH.clear()
        GRAPH.update(saved)
