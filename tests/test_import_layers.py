"""Import structure: no cycles inside the engine, none between results and plots, pure layers stay pure.

Imports are read from the source with :mod:`ast` (module-level and
function-level imports alike; ``if TYPE_CHECKING:`` blocks are skipped,
they never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parents[1] / "qcloudsim"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names if a.name.startswith("qcloudsim"))
            elif isinstance(child, ast.ImportFrom) and child.module and child.module.startswith("qcloudsim"):
                found.add(child.module)
            visit(child)

    visit(tree)
    return found


def import_graph() -> nx.DiGraph:
    """Module -> modules it imports (``qcloudsim.*`` only)."""
    graph = nx.DiGraph()
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    for name, path in modules.items():
        graph.add_node(name)
        for target in _imports(path):
            if target in modules and target != name:
                graph.add_edge(name, target)
    return graph


def _cycles_within(graph: nx.DiGraph, prefixes: tuple[str, ...]) -> list[list[str]]:
    keep = [n for n in graph if n.startswith(prefixes) and not n.endswith("__init__")]
    sub = graph.subgraph(keep)
    # a package __init__ that re-exports its modules is not a cycle of behaviour
    sub = nx.DiGraph([(a, b) for a, b in sub.edges if b not in {n.rpartition(".")[0] for n in keep}])
    return list(nx.simple_cycles(sub))


def test_no_import_cycles_inside_the_engine():
    assert _cycles_within(import_graph(), ("qcloudsim.engine",)) == []


def test_no_import_cycles_between_results_and_plots():
    assert _cycles_within(import_graph(), ("qcloudsim.results", "qcloudsim.plots")) == []


def test_models_and_schedulers_import_no_engine_config_or_cli():
    graph = import_graph()
    forbidden = ("qcloudsim.engine.kernel", "qcloudsim.engine.simulation", "qcloudsim.engine.extensions",
                 "qcloudsim.config", "qcloudsim.cli", "qcloudsim.experiment", "qcloudsim.build")
    allowed_testing = {"qcloudsim.schedulers.testing"}  # the SimPy-free snapshot builder uses engine state types
    bad = [
        (a, b) for a, b in graph.edges
        if a.startswith(("qcloudsim.models", "qcloudsim.schedulers")) and a not in allowed_testing
        and b.startswith(forbidden)
    ]
    assert bad == []
