"""The house's shape: layers import only downward, tasks/ has no import cycle, and its rooms are labelled.

The import graph is read from the source with ``ast`` (module-level and function-level imports alike,
``from X import name`` resolved to the submodule ``X.name`` when that is a module, and importing
``a.b.c`` counted as importing the packages ``a.b`` too, since Python runs their ``__init__`` first, unless
the importer sits inside that package: its ``__init__`` is already running).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("config", "models", "tasks", "flows", "portal")
# what each layer must never import (flows and portal sit on top; flows never import the portal)
FORBIDDEN = {
    "tasks": ("flows", "portal"),
    "models": ("tasks", "flows", "portal"),
    "config": ("models", "tasks", "flows", "portal"),
    "flows": ("portal",),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    """Every module of the project's packages by dotted name (packages by their ``__init__``)."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> Iterator[tuple[str, int]]:
    """(imported project module, line) for every import in the module, wherever it sits."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's own package upward
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            submodules = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in modules]
            if len(submodules) < len(node.names):  # some names come from the module (package) itself
                yield target, node.lineno
            for submodule in submodules:  # its package is still run first: see import_graph
                yield submodule, node.lineno


def import_graph() -> dict[str, dict[str, int]]:
    """module → {project module it imports (with the packages that import runs): line}."""
    modules = project_modules()
    graph: dict[str, dict[str, int]] = {}
    for name, path in modules.items():
        edges: dict[str, int] = {}
        for target, line in _imports(name, path, modules):
            parts = target.split(".")
            for i in range(1, len(parts) + 1):  # importing a.b.c runs a and a.b first
                prefix = ".".join(parts[:i])
                own_package = name.startswith(prefix + ".") and i < len(parts)  # already running, not imported
                if prefix in modules and prefix != name and not own_package:
                    edges.setdefault(prefix, line)
        graph[name] = edges
    return graph


def _layer(module: str) -> str:
    return module.split(".")[0]


def _cycle(graph: dict[str, dict[str, int]], within: str) -> list[str] | None:
    """One import cycle among the modules under ``within``, or None."""
    nodes = {m for m in graph if m == within or m.startswith(within + ".")}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in nodes:
                continue
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(nodes):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_the_graph_reader_resolves_submodules_and_parent_packages() -> None:
    graph = import_graph()
    # ``from tasks.evaluation.reports import render`` imports the package; a submodule import runs its packages
    assert "tasks.evaluation.reports" in graph["tasks.evaluation.assessment"]
    assert "tasks.plans" in graph["tasks.plans.store"] or "tasks.plans.specs" in graph["tasks.plans.store"]
    assert "tasks.plans.lookup" in graph["tasks.plans.export"]
    # ``from tasks.rounds import updates`` inside tasks.rounds imports the submodule, not the running package
    assert "tasks.rounds.updates" in graph["tasks.rounds.forms"] and "tasks.rounds" not in graph["tasks.rounds.forms"]
    # a module of another package runs that package's __init__ first
    assert "tasks.rounds" in graph["tasks.evaluation.snapshot"]


def test_no_import_cycle_inside_tasks() -> None:
    cycle = _cycle(import_graph(), "tasks")
    assert cycle is None, "import cycle in tasks/: " + " → ".join(cycle or [])


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_upward_import(layer: str) -> None:
    graph = import_graph()
    upward = [f"{module}:{line} imports {target}" for module, edges in sorted(graph.items())
              if _layer(module) == layer for target, line in sorted(edges.items())
              if _layer(target) in FORBIDDEN[layer]]
    assert upward == []


def test_tasks_room_holds_at_most_six_modules() -> None:
    direct = sorted(p.name for p in (ROOT / "tasks").glob("*.py") if p.name != "__init__.py")
    assert len(direct) <= 6, direct


def test_every_tasks_subpackage_says_what_it_owns() -> None:
    packages = sorted(p for p in (ROOT / "tasks").rglob("__init__.py"))
    assert len(packages) >= 7  # tasks itself and plans, importers, directory, reminders, rounds, evaluation, reports
    undocumented = [str(p.relative_to(ROOT)) for p in packages
                    if not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))]
    assert undocumented == []
