"""The package's shape: every module imports, no import cycles (lazy imports inside functions
count too: they only hide a cycle), and no two modules share a name."""

from __future__ import annotations

import ast
import importlib
from collections import Counter
from pathlib import Path

import cellwire

PACKAGE = Path(cellwire.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(name: str, path: Path) -> set[str]:
    """The cellwire modules ``name`` imports at run time (anywhere in the file)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m in MODULES and m != name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles, state = [], {}

    def walk(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for dep in sorted(graph[node]):
            if state.get(dep) == "open":
                cycles.append(trail[trail.index(dep) :] + [dep])
            elif dep not in state:
                walk(dep, trail + [dep])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            walk(node, [node])
    return cycles


def test_every_module_imports():
    for name in MODULES:
        importlib.import_module(name)


def test_no_import_cycles_among_modules():
    # A package's __init__ re-exports its submodules; an edge into it from one of its own
    # submodules would be a cycle, an edge out of it is just the re-export.
    graph = {name: _imports(name, path) for name, path in MODULES.items()}
    assert _cycles(graph) == []


def test_the_cycle_check_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_no_two_modules_share_a_name():
    stems = Counter(p.stem for p in PACKAGE.rglob("*.py") if p.stem != "__init__")
    assert [stem for stem, n in stems.items() if n > 1] == []


def test_the_kernel_side_transport_is_one_subpackage():
    transport = {p.stem for p in (PACKAGE / "transport").glob("*.py")}
    assert {"identity", "subshell", "page_connection", "kernel_link", "protocol", "assets"} <= transport
