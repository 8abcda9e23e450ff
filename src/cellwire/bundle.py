"""The output bundle of a live object: a static snapshot plus a small loader, and plain text.

Trusted pages run the loader, which swaps the snapshot for the live view. Untrusted pages,
reopened notebooks, nbconvert and GitHub strip the script and still show the snapshot. Nothing in
the bundle is a credential: the loader reads the server's address and token from the page.
"""

from __future__ import annotations

import html
import json
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ._version import PROTOCOL, __version__
from .redact import is_secret_name
from .target import pin
from .transport import assets, identity
from .transport.kernel_link import get_link

if TYPE_CHECKING:
    from .target import Target

MIME_HTML = "text/html"
MIME_TEXT = "text/plain"


def loader_spec(target_id: str, element_id: str, preload: Sequence[str] = ()) -> dict[str, Any]:
    """What the loader needs to find the kernel and the object (all of it safe to save)."""
    link = get_link()
    spec: dict[str, Any] = {
        "el": element_id,
        "target": target_id,
        "instance": identity.INSTANCE_ID,
        "kernel_id": identity.current_kernel_id(),
        "v": __version__,
        "protocol": PROTOCOL,
        "rt": assets.runtime_hash(),
        # Pages send this output's first messages to this subshell, so it connects while a cell runs.
        "subshell": link.subshell_id if link is not None else None,
    }
    if preload:
        spec["preload"] = [assets.vendor_bundle(name)["hash"] for name in preload]
    if identity.started_by_gateway():
        # Behind a kernel gateway the server answers only the legacy WebSocket framing.
        spec["framing"] = "legacy"
    return spec


def script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element (no '</script>' or '<!--' can end it)."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def new_element_id() -> str:
    return "cellwire-" + uuid.uuid4().hex


def new_display(target: Target) -> str:
    """The element id of a new output of ``target``, which pins the target until it is released."""
    element_id = new_element_id()
    pin(element_id, target)
    return element_id


def bundle(target: Target, snapshot_html: str, text: str, element_id: str | None = None) -> dict[str, str]:
    """The mimebundle for one display of a live object (a new display, pinned, unless
    ``element_id`` is given).

    Passing the ``element_id`` of an earlier display (with ``update_display_data``) lets the page
    move that display's live view into the refreshed output instead of rendering it again.
    """
    element_id = element_id or new_display(target)
    spec = loader_spec(target.target_id, element_id, target._preload)
    loader = assets.loader_source().replace("__CELLWIRE_SPEC__", script_json(spec))
    markup = (
        f'<div id="{element_id}" class="cellwire-output">'
        f'<div class="cellwire-snapshot">{snapshot_html}</div>'
        f"</div><script>{loader}</script>"
    )
    return {MIME_HTML: markup, MIME_TEXT: text}


def escape(text: Any) -> str:
    """Text for HTML, always as text (never markup)."""
    return html.escape(str(text), quote=True)


def state_table(
    name: str, state: dict[str, Any], skip: frozenset[str] = frozenset(), show: Callable[[Any], str] = repr
) -> str:
    """A widget's snapshot when nothing better is known: its name over a table of its public
    values (long ones cut short, containers as their length), for bridged widgets;
    never a trait whose name says it is a secret (``redact``)."""
    rows = []
    for key, value in sorted(state.items()):
        if key.startswith("_") or key in ("layout", "tooltip", "tabbable") or key in skip or is_secret_name(key):
            continue
        if isinstance(value, (bool, int, float, str)) or value is None:
            shown = show(value)
        elif isinstance(value, (list, tuple, dict)):
            shown = f"{type(value).__name__} of {len(value)}"
        else:
            shown = type(value).__name__
        if len(shown) > 80:
            shown = shown[:77] + "…"
        rows.append(
            f'<tr><td style="padding-right:1em;opacity:.75">{escape(key)}</td><td><code>{escape(shown)}</code></td></tr>'
        )
    return f'<div><b>{escape(name)}</b><table style="font-size:12px">{"".join(rows)}</table></div>'
