"""``python -m cellwire enable|disable [--sys-prefix | --user]``: load cellwire in every kernel
started from this environment (or by this user), with no change to any notebook (``autoload``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import autoload


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cellwire",
        description="Make every kernel load cellwire at start (IPython's kernel configuration), so that "
        "notebooks need no `import cellwire`; `disable` undoes it.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, summary in (
        ("enable", "load cellwire in every kernel started from now on"),
        ("disable", "undo `enable`: remove exactly what it wrote"),
    ):
        command = commands.add_parser(name, help=summary, description=summary)
        where = command.add_mutually_exclusive_group()
        where.add_argument(
            "--sys-prefix",
            action="store_true",
            help=f"every kernel of this Python environment ({sys.prefix}); the default",
        )
        where.add_argument("--user", action="store_true", help="every kernel this user starts (IPython profile)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    config_dir = autoload.user_config_dir() if args.user else autoload.sys_prefix_config_dir()
    scope = "--user" if args.user else "--sys-prefix"
    whose = "this user starts" if args.user else f"started from {sys.prefix}"
    try:
        outcome = autoload.enable(config_dir) if args.command == "enable" else autoload.disable(config_dir)
    except OSError as error:
        print(
            f"cellwire: could not change {error.filename or config_dir}: {error.strerror or error}. "
            f"Run this as the owner of {config_dir}"
            + ("" if args.user else ", or use --user for your kernels only")
            + ".",
            file=sys.stderr,
        )
        return 1
    print(_message(args.command, outcome, whose, scope))
    return 0


def _message(command: str, outcome: autoload.Outcome, whose: str, scope: str) -> str:
    path = outcome.path
    if command == "enable":
        if not outcome.changed:
            return (
                f"cellwire is already loaded in every kernel {whose} ({path}). Undo: python -m cellwire disable {scope}"
            )
        return (
            f"cellwire is now loaded in every kernel {whose}: wrote a block to {path} "
            f"(IPKernelApp.extensions). Running kernels load it after a restart.\n"
            f"Undo: python -m cellwire disable {scope}"
        )
    if not outcome.changed:
        return f"cellwire was not enabled for kernels {whose} ({path}): nothing to undo."
    gone = "removed the file (nothing else was in it)" if not Path(path).exists() else "removed cellwire's block"
    return f"cellwire is no longer loaded in every kernel {whose}: {gone}, {path}. Running kernels keep it until restarted."


if __name__ == "__main__":
    sys.exit(main())
