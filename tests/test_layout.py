"""The layout shows the pipeline: each layer imports only itself and the layers below, and no module
imports itself back through others. Imports inside functions count too (they only hide a cycle)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "slreport"

# Lowest first. A module belongs to the first prefix that matches its dotted name.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("slreport.errors", "slreport.schema", "slreport.names", "slreport.safe_paths", "slreport.interrupts",
              "slreport")),
    ("queueing", ("slreport.queueing",)),
    ("options", ("slreport.options",)),
    ("engine", ("slreport.engine",)),
    ("ingest", ("slreport.ingest",)),
    ("metrics", ("slreport.metrics",)),
    ("sections", ("slreport.sections",)),
    ("pipeline", ("slreport.pipeline", "slreport.spark")),
    ("forecast", ("slreport.forecast",)),
    ("render", ("slreport.render",)),
    ("folder", ("slreport.folder",)),
    ("cli", ("slreport.cli", "slreport.__main__")),
)


def module_names() -> dict[str, Path]:
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        names[name] = path
    return names


def _resolve(name: str, modules: dict[str, Path]) -> str:
    while name not in modules:
        name = name.rpartition(".")[0]
    return name


def import_graph() -> dict[str, set[str]]:
    modules = module_names()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names if a.name.split(".")[0] == "slreport"}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], base]).strip(".")
                if base.split(".")[0] == "slreport":
                    # `from slreport.x import y` imports the module slreport.x.y when there is one
                    targets |= {f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names}
        graph[name] = {_resolve(t, modules) for t in targets} - {name}
    return graph


def layer_of(module: str) -> int:
    for index, (_, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes if p != "slreport") or module == "slreport":
            return index
    raise AssertionError(f"{module} is in no layer: add it to LAYERS in tests/test_layout.py")


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles_even_through_imports_inside_functions() -> None:
    assert cycles(import_graph()) == []


def test_every_module_imports_only_its_layer_and_below() -> None:
    upward = [f"{a} ({LAYERS[layer_of(a)][0]}) imports {b} ({LAYERS[layer_of(b)][0]})"
              for a, targets in sorted(import_graph().items()) for b in sorted(targets) if layer_of(b) > layer_of(a)]
    assert upward == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_graph_counts_an_import_inside_a_function() -> None:
    graph = import_graph()
    # cli imports the pipeline only inside its commands, to keep `slreport --help` fast
    assert "slreport.pipeline" in graph["slreport.cli"]


def test_only_cli_imports_typer_only_terminal_imports_rich_only_charts_import_matplotlib() -> None:
    owners = {"typer": {"slreport.cli"}, "rich": {"slreport.render.terminal"},
              "matplotlib": {"slreport.folder.charts"}}
    for name, path in module_names().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        for library, allowed in owners.items():
            assert library not in imported or name in allowed, f"{name} imports {library}"
