"""Check the package as others receive it (`make dist`): the wheel and sdist in DIST_DIR.

    .venv/bin/python scripts/check_dist.py dist/

The wheel must carry what cellwire reads at run time (the JS runtime, the JSON Schemas, the
vendored ipywidgets bundle), the accelerator's server config, the licence and the version of
src/cellwire/_version.py; the sdist must carry js/ (the vendored bundle's source, without
node_modules) and the licence. Then the wheel is installed into a new, empty venv, with its
dependencies from the package index, and imported there, and `python -m cellwire` answers.
Exits non-zero with one line per problem.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import tempfile
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERSION = re.search(r'__version__ = "([^"]+)"', (ROOT / "src/cellwire/_version.py").read_text()).group(1)

# What the wheel must hold: a file name, or a directory whose every file in the tree must be there.
WHEEL_MUST_HOLD = [
    "src/cellwire/static",
    "src/cellwire/schema",
    "src/cellwire/py.typed",
    "src/cellwire/__main__.py",
    "src/cellwire_accelerator/__init__.py",
]
WHEEL_DATA = "etc/jupyter/jupyter_server_config.d/cellwire_accelerator.json"
SDIST_MUST_HOLD = ["js/package.json", "js/jupyter-widgets/build.mjs", "js/jupyter-widgets/src", "LICENSE"]


def tree_files(relative: str) -> list[str]:
    path = ROOT / relative
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return [str(p.relative_to(ROOT)) for p in files if "__pycache__" not in p.parts]


def check_wheel(wheel: Path) -> list[str]:
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = [name.removeprefix("src/") for relative in WHEEL_MUST_HOLD for name in tree_files(relative)]
    problems = [f"wheel lacks {name}" for name in wanted if name not in names]
    data = f"cellwire-{VERSION}.data/data/{WHEEL_DATA}"
    licence = f"cellwire-{VERSION}.dist-info/licenses/LICENSE"
    problems += [f"wheel lacks {name}" for name in (data, licence) if name not in names]
    if not wheel.name.startswith(f"cellwire-{VERSION}-"):
        problems.append(f"wheel {wheel.name} is not version {VERSION} (src/cellwire/_version.py)")
    return problems


def check_sdist(sdist: Path) -> list[str]:
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    wanted = [name for relative in SDIST_MUST_HOLD for name in tree_files(relative)]
    problems = [f"sdist lacks {name}" for name in wanted if name not in names]
    problems += [f"sdist holds {name}" for name in sorted(names) if "node_modules" in name.split("/")][:5]
    return problems


def check_install(wheel: Path) -> list[str]:
    """Install into a venv of its own (no site packages) and import cellwire there, outside a kernel
    (cellwire_accelerator needs jupyter_server: it is imported only in a server env)."""
    with tempfile.TemporaryDirectory(prefix="cellwire-dist-") as tmp:
        venv.create(tmp, with_pip=True)
        python = str(Path(tmp) / "bin" / "python")
        install = subprocess.run(
            [python, "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True, timeout=600
        )
        if install.returncode:
            return [f"pip install {wheel.name} failed:\n{install.stderr[-2000:]}"]
        probe = (
            "import cellwire, pathlib, sys; print(cellwire.__version__);"
            f"assert (pathlib.Path(sys.prefix) / {WHEEL_DATA!r}).is_file(), 'no accelerator config'"
        )
        imported = subprocess.run([python, "-c", probe], capture_output=True, text=True, timeout=120)
        if imported.returncode or imported.stdout.strip() != VERSION:
            return [f"import cellwire in a clean venv: {imported.stdout.strip()} {imported.stderr[-2000:]}"]
        cli = subprocess.run([python, "-m", "cellwire", "--help"], capture_output=True, text=True, timeout=120)
        if cli.returncode or "enable" not in cli.stdout:
            return [f"python -m cellwire --help in a clean venv: {cli.stdout} {cli.stderr[-2000:]}"]
    return []


def main(dist: Path) -> int:
    wheels, sdists = sorted(dist.glob("cellwire-*.whl")), sorted(dist.glob("cellwire-*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        print(f"expected one wheel and one sdist in {dist}, found {[p.name for p in wheels + sdists]}")
        return 1
    problems = check_wheel(wheels[0]) + check_sdist(sdists[0])
    if not problems:
        problems = check_install(wheels[0])
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{wheels[0].name} and {sdists[0].name}: complete; the wheel installs and imports in a clean venv")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "dist")))
