"""Load cellwire in every kernel of an environment, with no change to any notebook
(``python -m cellwire enable`` / ``disable``): for the admin of a JupyterHub image or a shared env.

It goes through IPython's own configuration. A kernel (``IPKernelApp``) reads
``ipython_kernel_config.py`` from its profile dir, ``{sys.prefix}/etc/ipython``,
``/usr/local/etc/ipython`` and ``/etc/ipython`` (``IPython.core.application``); there is no
``.d`` directory of separate files to drop one into. So ``enable`` adds a marked block to that file
(creating it when there is none) that *appends* cellwire to ``IPKernelApp.extensions`` (a lazy
append: extensions configured elsewhere stay), and ``disable`` removes exactly that block, and the
file when nothing else is left in it. Both are idempotent. A kernel then runs ``%load_ext
cellwire`` at start; were cellwire uninstalled first, IPython would log a warning and start anyway.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

CONFIG_FILE = "ipython_kernel_config.py"
BEGIN = "# >>> cellwire: load cellwire in every kernel (`python -m cellwire disable` removes this block)"
END = "# <<< cellwire"
BLOCK = f'{BEGIN}\nc.IPKernelApp.extensions.append("cellwire")\n{END}\n'


def sys_prefix_config_dir() -> Path:
    """Where IPython reads the configuration of this environment's kernels."""
    return Path(sys.prefix) / "etc" / "ipython"


def user_config_dir() -> Path:
    """The running user's default IPython profile (every kernel this user starts, in any env)."""
    from IPython.paths import get_ipython_dir

    return Path(get_ipython_dir()) / "profile_default"


@dataclass(frozen=True)
class Outcome:
    path: Path
    changed: bool


def enable(config_dir: Path) -> Outcome:
    """Add the block to ``config_dir``'s kernel config (no change if it is there)."""
    path = config_dir / CONFIG_FILE
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN in text:
        return Outcome(path, changed=False)
    config_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(text + ("\n" if text and not text.endswith("\n") else "") + BLOCK, encoding="utf-8")
    return Outcome(path, changed=True)


def disable(config_dir: Path) -> Outcome:
    """Remove the block ``enable`` wrote (no change if there is none); the file too if it is left empty."""
    path = config_dir / CONFIG_FILE
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start = text.find(BEGIN)
    if start < 0:
        return Outcome(path, changed=False)
    end = text.find(END, start)
    end = len(text) if end < 0 else end + len(END) + text[end + len(END) :].startswith("\n")
    rest = text[:start] + text[end:]
    if rest.strip():
        path.write_text(rest, encoding="utf-8")
    else:
        path.unlink()
    return Outcome(path, changed=True)


def is_enabled(config_dir: Path) -> bool:
    path = config_dir / CONFIG_FILE
    return path.exists() and BEGIN in path.read_text(encoding="utf-8")
