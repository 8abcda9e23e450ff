"""The JavaScript shipped as package data: the inline loader and the runtime's ES modules."""

from __future__ import annotations

import collections
import functools
import hashlib
import re
from importlib import resources
from typing import Any

# Any quoted "./name.js" in a module: its imports, and the socket worker that transport.js starts.
_IMPORT = re.compile(r"""["']\./([\w-]+\.js)["']""")
RUNTIME_ENTRY = "runtime.js"
#: How many times the runtime and each vendored bundle (by name) were sent to a page (benchmarks
#: and tests read it: a browser that has them cached is sent nothing).
times_sent: collections.Counter[str] = collections.Counter()
LOADER = "loader.js"


def read_static(name: str) -> str:
    return resources.files("cellwire").joinpath("static").joinpath(name).read_text(encoding="utf-8")


@functools.cache
def runtime_payload() -> dict[str, Any]:
    """The runtime's modules in dependency order, so the loader can link each to blob: URLs."""
    return {"entry": RUNTIME_ENTRY, **module_closure(RUNTIME_ENTRY)}


@functools.cache
def module_closure(entry: str) -> dict[str, Any]:
    """``entry`` and the modules it imports (``modules``: each ``{name, source}``, imports first,
    ``entry`` last) and their content ``hash``."""
    ordered: list[str] = []

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in trail:
            raise ValueError(f"import cycle in the runtime: {' -> '.join(trail + (name,))}")
        if name in ordered:
            return
        for dep in _IMPORT.findall(read_static(name)):
            visit(dep, trail + (name,))
        ordered.append(name)

    visit(entry, ())
    modules = [{"name": n, "source": read_static(n)} for n in ordered]
    parts = [entry, *(part for m in modules for part in (m["name"], m["source"]))]
    return {"modules": modules, "hash": _digest(*parts)}


def runtime_hash() -> str:
    """The runtime's content hash: pages keep the runtime in the browser's cache under it."""
    return str(runtime_payload()["hash"])


@functools.cache
def vendor_bundle(name: str) -> dict[str, Any]:
    """A third-party bundle shipped prebuilt in ``static/vendor``: ``<name>.js`` (one ES module) and
    ``<name>.css``, with their content hash (the page imports it once and caches it by that)."""
    js = read_static(f"vendor/{name}.js")
    css = read_static(f"vendor/{name}.css")
    return {"name": name, "hash": _digest(js, css), "js": js, "css": css, "size": len(js) + len(css)}


def vendor_bundle_by_hash(digest: str) -> dict[str, Any] | None:
    """The vendored bundle with content hash ``digest`` (a page's ``preload``), or None."""
    vendor = resources.files("cellwire").joinpath("static").joinpath("vendor")
    for entry in vendor.iterdir():
        if entry.name.endswith(".js") and vendor_bundle(entry.name[:-3])["hash"] == digest:
            return vendor_bundle(entry.name[:-3])
    return None


def _digest(*parts: str) -> str:
    """The whole SHA-256 (hex) of ``parts`` joined by NUL: a page checks what it kept in Cache
    Storage (shared by the whole origin) against it before running it (the loader's ``contentHash``,
    which hashes the same parts: the runtime's entry name, then each module's name and source)."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


@functools.cache
def loader_source() -> str:
    """The loader as it is inlined in outputs: comments (its JSDoc types too) and indentation dropped."""
    lines = (line.strip() for line in re.sub(r"/\*.*?\*/", "", read_static(LOADER), flags=re.DOTALL).splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))
