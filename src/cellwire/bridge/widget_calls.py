"""``cw.eval_js(widget, code)``: JavaScript evaluated in the page showing a plain ipywidget.

A bridged ipywidget's displays are ``WidgetDisplay`` targets (``display``); each output showing
one is a view that answers the ``call`` op like any cellwire view (docs/protocol.md, "Calls"). A
widget is shown by its own displays and by those of any container (``children``, recursively)
holding it, so ``eval_js`` finds them all. In the code, ``el`` is that display's output element (the
element the ipywidget views are drawn in), ``args`` the dict passed; ``channel`` is cellwire's and
not meaningful here. Only ``eval_js``: an ipywidget's JavaScript cannot register functions for
``call`` (that needs a ``Channel``).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from ..rpc import DEFAULT_TIMEOUT, NoViewError, call_views
from ..wait import check_can_block, next_slice
from .display import displays_of, host_has_manager

if TYPE_CHECKING:
    from ..target import View


def _is_ipywidget(obj: Any) -> bool:
    import sys

    ipywidgets = sys.modules.get("ipywidgets")
    return ipywidgets is not None and isinstance(obj, ipywidgets.Widget)


def _containers(widget: Any) -> set[str]:
    """Model ids of every live widget whose tree of ``children`` holds ``widget`` (itself included)."""
    from ipywidgets import Widget
    from ipywidgets.widgets import widget as widget_module

    # ipywidgets 8 keeps them in a module global (``Widget.widgets`` warns); 7 in ``Widget.widgets``
    instances = getattr(widget_module, "_instances", None)
    if instances is None:
        instances = Widget.widgets
    holders: set[str] = {widget.model_id}
    parents: dict[str, set[str]] = {}  # child model id -> model ids of the widgets listing it
    for candidate in list(instances.values()):
        for child in getattr(candidate, "children", None) or ():
            if isinstance(child, Widget) and child.comm is not None:
                parents.setdefault(child.model_id, set()).add(candidate.model_id)
    todo = [widget.model_id]
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in holders:
                holders.add(parent)
                todo.append(parent)
    return holders


def widget_views(widget: Any, timeout: float) -> list[View]:
    """The views showing ``widget`` (its displays' and its containers'), oldest first, waiting up to
    ``timeout`` s for a first one (an output displayed a moment ago connects a little later)."""
    if widget.comm is None:
        raise NoViewError(f"the {type(widget).__name__} is closed: there is nothing on a page to run JavaScript in")
    model_ids = _containers(widget)
    deadline = time.monotonic() + timeout
    while True:
        displays = displays_of(model_ids)
        if not displays:
            raise NoViewError(
                f"eval_js: this {type(widget).__name__} was not displayed through cellwire (display it, "
                "or a box holding it, in a cell run after `import cellwire`); with a front-end's own "
                "widget manager and no cellwire output, there is no cellwire view to run JavaScript in"
            )
        views = [view for display in displays for view in display.views]
        remaining = deadline - time.monotonic()
        if views or remaining <= 0:
            return views
        time.sleep(min(next_slice(), remaining))


def eval_js(
    obj: Any,
    code: str,
    args: dict[str, Any] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    all_views: bool = False,
) -> Any:
    """Evaluate JavaScript in a page showing ``obj`` and return its (awaited) value.

    ``obj`` is a displayed ipywidget (``el`` is the output element showing it, or showing the box
    that holds it), or anything of cellwire's with views (``Channel``, ``Element``: as
    ``obj.eval_js``). ``code`` is an expression (``"el.offsetWidth"``) or a function body with
    ``return``; ``args`` is in scope as ``args``. The newest view answers; with ``all_views=True``
    each does and a list comes back. Works inside a running cell. Raises ``JSError`` if the code
    threw, ``NoViewError`` if no open page shows it within ``timeout`` s, ``CallTimeout``.
    """
    if not _is_ipywidget(obj):
        method = getattr(obj, "eval_js", None)
        if method is None:
            raise TypeError(
                f"eval_js needs a displayed ipywidget, or a cellwire Channel or Element; got {type(obj).__name__}"
            )
        return method(code, args, timeout=timeout, all_views=all_views)
    check_can_block("eval_js")
    deadline = time.monotonic() + timeout
    views = widget_views(obj, timeout)
    if not views:
        why = (
            "this front-end draws ipywidgets with its own widget manager, not through cellwire"
            if host_has_manager()
            else "open the notebook in a browser, or pass a longer timeout="
        )
        raise NoViewError(
            f"eval_js: no cellwire output showing this {type(obj).__name__} is open on a page "
            f"(waited {timeout} s); {why}"
        )
    return call_views(views, {"code": code, "args": [args or {}]}, "eval_js", timeout, all_views, deadline)
