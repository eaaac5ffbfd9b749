"""The layout's rules, read from the source: no import cycles (counting imports inside
functions and under TYPE_CHECKING), reads in one direction, migrations that import no live code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("portal", "programmes")
# views -> selectors -> filters -> search -> models: a module may not import one to its left.
DIRECTION = [
    "programmes.views",
    "programmes.selectors",
    "programmes.filters",
    "programmes.search",
    "programmes.models",
]


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts = parts[:-1]
            found[".".join(parts)] = (path, is_package)
    return found


def _imports(path: Path, name: str, is_package: bool) -> set[str]:
    """Every module named by an import anywhere in the file (functions and TYPE_CHECKING too)."""
    package = name if is_package else name.rsplit(".", 1)[0]
    named: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                if node.level > 1:
                    base = base[: -(node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            named.add(module)
            named.update(f"{module}.{alias.name}" for alias in node.names)
    return named


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {
        name: {d for d in _imports(path, name, is_pkg) if d in modules and d != name}
        for name, (path, is_pkg) in modules.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
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


def test_no_module_imports_itself_back_through_others():
    assert _cycles(_graph()) == []


def test_the_cycle_check_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _in(module: str, layer: str) -> bool:
    return module == layer or module.startswith(layer + ".")


@pytest.mark.parametrize("position", range(1, len(DIRECTION)))
def test_reads_go_one_way(position):
    lower = DIRECTION[position]
    higher = DIRECTION[:position]
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in _graph().items()
        if _in(module, lower)
        for target in targets
        if any(_in(target, layer) for layer in higher)
    )
    assert wrong == []


# 0005 renders guide bodies with the live renderer; harmless, because a guide whose stored HTML
# was rendered from another body (or renderer output) is rendered again on read.
KNOWN_LIVE_IMPORTS = {
    "0005_honest_facts.py: programmes.markdown",
    "0005_honest_facts.py: programmes.markdown.render",
}


def test_migrations_import_no_live_project_code():
    live = []
    for path in sorted((ROOT / "programmes" / "migrations").glob("0*.py")):
        for module in _imports(path, "programmes.migrations.x", False):
            if module.startswith("programmes.") and not module.startswith("programmes.models"):
                live.append(f"{path.name}: {module}")
    assert sorted(set(live) - KNOWN_LIVE_IMPORTS) == []
