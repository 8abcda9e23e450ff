"""cellwire's logger: one clear line per problem, to the kernel process's own stderr (the server log),
never into the notebook.

Log lines quote what pages sent (page names, ids, messages), so every string argument has its
control characters escaped: a page cannot forge log lines (a newline) or drive the terminal that
shows the log (an escape sequence). Tracebacks are attached with ``exc_info`` and keep their lines.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any, TextIO

logger = logging.getLogger("cellwire")

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_controls(text: str) -> str:
    """``text`` with each control character written as its escape (``\\n``, ``\\x1b``)."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


class _EscapeArguments(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_escaped(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _escaped(arg) for key, arg in record.args.items()}
        return True


def _escaped(arg: Any) -> Any:
    if isinstance(arg, str):
        return escape_controls(arg)
    if isinstance(arg, BaseException):
        return escape_controls(f"{arg}")
    return arg


def _process_stderr() -> TextIO | None:
    """The kernel process's stderr. ipykernel (outside pytest) points file descriptor 2 at a pipe
    whose text it shows in the notebook as a stderr stream, and writes it to a copy of the
    original descriptor too: log lines go straight to that copy."""
    original = getattr(sys.stderr, "_original_stdstream_copy", None)
    if isinstance(original, int):
        try:
            return open(original, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)
        except OSError:
            pass
    return sys.__stderr__


if not logger.handlers:
    _handler = logging.StreamHandler(_process_stderr())
    _handler.setFormatter(logging.Formatter("[cellwire %(levelname)s] %(message)s"))
    logger.addHandler(_handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
logger.addFilter(_EscapeArguments())
