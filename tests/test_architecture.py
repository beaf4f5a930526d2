"""The layers of docs/architecture.md, enforced: no import cycle in ``llmextract/`` and no module
importing a higher layer. Imports are read with ``ast`` from the source, function-local ones
included (an import hidden in a function is still an arrow). Importing ``a.b.c`` is counted as an
arrow to ``a.b.c`` only, not to its parent packages."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "llmextract"

# Lowest first. A module may import its own layer and the layers below, never a higher one; a
# module is in the layer of its longest matching prefix.
LAYERS: list[tuple[str, ...]] = [
    ("llmextract.errors", "llmextract.resources", "llmextract.version", "llmextract.credentials",
     "llmextract.interrupts", "llmextract.tether", "llmextract.llama_server"),
    ("llmextract.text",),
    ("llmextract.models",),
    ("llmextract.vocabulary", "llmextract.prompts", "llmextract.llm", "llmextract.settings",
     "llmextract.local_model", "llmextract.articles", "llmextract.metadata", "llmextract.store",
     "llmextract.schema", "llmextract.client", "llmextract.prices", "llmextract.engines",
     "llmextract.kept"),
    ("llmextract.extract",),
    ("llmextract.checks",),
    ("llmextract.pipeline", "llmextract.runs", "llmextract.tally"),
    ("llmextract.dataset",),
    ("llmextract.review",),
    ("llmextract.cli", "llmextract.api", "llmextract"),
]


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports anywhere in its source."""
    files = {module_name(root, p): p for p in root.rglob("*.py")}
    top = root.name
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        package = name if is_package else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[:len(base) - node.level + 1]
                    source = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    source = node.module or ""
                for alias in node.names:
                    sub = f"{source}.{alias.name}"
                    targets.add(sub if sub in files else source)
        graph[name] = {t for t in targets if (t == top or t.startswith(top + ".")) and t != name}
    return graph


def layer_of(name: str, layers: list[tuple[str, ...]]) -> int:
    best, rank = -1, -1
    for i, prefixes in enumerate(layers):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), i
    return rank


def wrong_way(graph: dict[str, set[str]], layers: list[tuple[str, ...]]) -> list[str]:
    found = []
    for name, targets in sorted(graph.items()):
        for target in sorted(targets):
            if layer_of(name, layers) < 0:
                found.append(f"{name} is in no layer")
            elif layer_of(target, layers) > layer_of(name, layers):
                found.append(f"{name} imports {target}, a higher layer")
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
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
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle() -> None:
    assert cycles(import_graph(PACKAGE)) == []


def test_no_import_from_a_higher_layer() -> None:
    assert wrong_way(import_graph(PACKAGE), LAYERS) == []


def test_the_checker_finds_a_hidden_cycle_and_a_wrong_way_import(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "low").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "low" / "__init__.py").write_text("")
    (pkg / "low" / "a.py").write_text("def f():\n    from pkg.high import g\n")
    (pkg / "high.py").write_text("from .low.a import f\n")
    graph = import_graph(pkg)
    assert graph["pkg.high"] == {"pkg.low.a"}
    assert cycles(graph) == [["pkg.high", "pkg.low.a"]]
    layers = [("pkg.low",), ("pkg.high", "pkg")]
    assert wrong_way(graph, layers) == ["pkg.low.a imports pkg.high, a higher layer"]


@pytest.mark.parametrize("name, layer", [("llmextract.text.numbers", 1), ("llmextract", 9),
                                         ("llmextract.extract.candidates.fields", 4)])
def test_a_module_is_in_the_layer_of_its_longest_prefix(name: str, layer: int) -> None:
    assert layer_of(name, LAYERS) == layer
