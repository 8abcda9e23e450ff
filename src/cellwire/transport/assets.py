"""The JavaScript shipped as package data: the inline loader and the runtime's ES modules."""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Any

# Any quoted "./name.js" in a module: its imports, and the socket worker that transport.js starts.
_IMPORT = re.compile(r"""["']\./([\w-]+\.js)["']""")
RUNTIME_ENTRY = "runtime.js"
LOADER = "loader.js"


def read_static(name: str) -> str:
    return resources.files("cellwire").joinpath("static").joinpath(name).read_text(encoding="utf-8")


@functools.cache
def runtime_payload() -> dict[str, Any]:
    """The runtime's modules in dependency order, so the loader can link each to blob: URLs."""
    ordered: list[str] = []

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in trail:
            raise ValueError(f"import cycle in the runtime: {' -> '.join(trail + (name,))}")
        if name in ordered:
            return
        for dep in _IMPORT.findall(read_static(name)):
            visit(dep, trail + (name,))
        ordered.append(name)

    visit(RUNTIME_ENTRY, ())
    return {"entry": RUNTIME_ENTRY, "modules": [{"name": n, "source": read_static(n)} for n in ordered]}


@functools.cache
def loader_source() -> str:
    """The loader as it is inlined in outputs: comments (its JSDoc types too) and indentation dropped."""
    lines = (line.strip() for line in re.sub(r"/\*.*?\*/", "", read_static(LOADER), flags=re.DOTALL).splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))
