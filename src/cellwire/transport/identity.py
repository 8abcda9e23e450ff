"""Who this kernel is: its jupyter_server kernel id (when knowable) and a per-process instance id.

The kernel id lets the browser connect straight to ``/api/kernels/<id>/channels``; the instance id
proves, in the handshake, that the kernel on the other end is the very process that made an output
(a restarted kernel keeps its id but not its instance).
"""

from __future__ import annotations

import os
import re
import secrets

_KERNEL_FILE = re.compile(
    r"kernel-([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\.json$"
)

#: Random for every kernel process; written into outputs (it is not a credential).
INSTANCE_ID: str = secrets.token_hex(12)


def kernel_id_from_connection_file(path: str | None) -> str | None:
    """The uuid in ``kernel-<uuid>.json`` (how jupyter_server names connection files), else None."""
    if not path:
        return None
    match = _KERNEL_FILE.search(os.path.basename(path))
    return match.group(1).lower() if match else None


#: Set in a kernel's environment by a kernel gateway (Kernel Gateway: KERNEL_GATEWAY) or by
#: jupyter_server's gateway client, which Enterprise Gateway's kernels get too (KERNEL_LAUNCH_TIMEOUT).
_GATEWAY_ENV = ("KERNEL_GATEWAY", "KERNEL_LAUNCH_TIMEOUT")


def started_by_gateway(environ: dict[str, str] | None = None) -> bool:
    """Was this kernel started through a kernel gateway? Then the Jupyter server in front of it
    speaks only the legacy framing on kernel WebSockets, and pages should not offer v1 (a socket
    offering it fails the handshake, and the browser logs an error)."""
    env = os.environ if environ is None else environ
    return any(env.get(name) for name in _GATEWAY_ENV)


def started_by_voila() -> bool:
    """Was this kernel started by Voilà to run an app? Voilà sets these in the environment of the
    kernels it starts (and Jupyter servers do not)."""
    return "VOILA_BASE_URL" in os.environ or os.environ.get("SERVER_SOFTWARE", "").startswith("voila/")


def current_kernel_id() -> str | None:
    """This kernel's jupyter_server id, or None when it was not started by jupyter_server."""
    try:
        from ipykernel.connect import get_connection_file

        return kernel_id_from_connection_file(get_connection_file())
    except Exception:  # not in a kernel, or no connection file
        return None
