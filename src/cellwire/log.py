"""cellwire's logger: one clear line per problem, to the kernel process's own stderr (the server log)."""

from __future__ import annotations

import logging
import sys

logger = logging.getLogger("cellwire")
if not logger.handlers:
    # sys.__stderr__ is the process's real stderr, not the notebook's stream output.
    _handler = logging.StreamHandler(sys.__stderr__)
    _handler.setFormatter(logging.Formatter("[cellwire %(levelname)s] %(message)s"))
    logger.addHandler(_handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
