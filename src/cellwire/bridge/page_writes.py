"""What a page may change in a bridged ipywidget: what its views edit, nothing else.

ipywidgets applies every synced key a front-end sends (``Widget.set_state``), and the new value
goes to every other page. A page could set keys no view edits: a ``readout_format`` that d3 cannot
parse breaks each later display of that slider, an ``HTML`` widget's ``value`` is markup the other
pages render. The views of ipywidgets' own controls (7 and 8) edit only the keys below; the views of
other libraries' widgets (anywidget, bqplot, ipyleaflet) may edit any of theirs (ipyleaflet's map
sets its own ``style``), so for those only the keys that say which code renders the widget are
refused. A key that a ``jslink``/``jsdlink`` sets in the page (which saves it) is allowed too.

A message ipywidgets cannot apply (no ``method``, a ``state`` that is not an object, a value its
trait refuses) is refused here too (``check_message``): ipywidgets would print its traceback into no
output at all (``_show_traceback``), so neither the page nor the kernel's log would say a word. A
refused value is answered with the kernel's own (``echo_kernel_values``), so the page shows it again.
"""

from __future__ import annotations

from typing import Any

from ..transport.protocol import ProtocolError, clip, short

#: The model modules of ipywidgets' own widgets.
STANDARD_MODULES = frozenset({"@jupyter-widgets/controls", "@jupyter-widgets/base", "@jupyter-widgets/output"})
#: Every key a view of ipywidgets' controls sets: values (sliders, texts, pickers, toggles),
#: selections, tabs, Play, FileUpload (``error``; 7: ``data``, ``metadata``, ``_counter``),
#: Controller and its buttons and axes, and the view count a kernel may ask for.
EDITED_KEYS = frozenset(
    {
        "value",
        "index",
        "selected_index",
        "playing",
        "repeat",
        "_playing",
        "_repeat",
        "error",
        "data",
        "metadata",
        "_counter",
        "name",
        "mapping",
        "connected",
        "timestamp",
        "buttons",
        "axes",
        "pressed",
        "_view_count",
    }
)
#: ipywidgets' models whose ``value`` a view only shows.
SHOWN_ONLY = frozenset(
    {
        "HTMLModel",
        "HTMLMathModel",
        "LabelModel",
        "ValidModel",
        "IntProgressModel",
        "FloatProgressModel",
        "ImageModel",
        "AudioModel",
        "VideoModel",
    }
)
#: Keys no page sets in any widget (with ``_model_*`` and ``_view_*``): which code renders it.
STRUCTURAL_KEYS = frozenset({"_esm", "_css"})
#: The methods of a front-end's message to a widget (ipywidgets 7 and 8).
METHODS = ("update", "request_state", "custom")


def check_message(widget: Any, data: Any, n_buffers: int) -> None:
    """Raise ProtocolError unless ipywidgets can apply the page's comm message ``data`` (with
    ``n_buffers`` buffers) to ``widget`` (None when unknown: nothing to check) as it is."""
    if widget is None:
        return
    method = data.get("method") if isinstance(data, dict) else None
    if method not in METHODS:
        raise ProtocolError(
            "malformed",
            f"ipywidgets bridge: a message to a widget needs a 'method' ({', '.join(METHODS)}), "
            f"not {short(method if isinstance(data, dict) else data)}; it was refused",
        )
    if method != "update":
        return
    state = data.get("state", {})
    paths = data.get("buffer_paths", [])
    if not isinstance(state, dict):
        raise ProtocolError(
            "malformed", f"ipywidgets bridge: an update's 'state' must be an object, not {short(state)}"
        )
    if not isinstance(paths, list) or len(paths) != n_buffers or not all(_leads_into(state, p) for p in paths):
        raise ProtocolError(
            "malformed",
            f"ipywidgets bridge: an update's 'buffer_paths' ({short(paths)}) must name a place in its "
            f"state for each of its {n_buffers} buffers; it was refused",
        )
    check_update(widget, data)
    _check_values(widget, state, {p[0] for p in paths})


def _leads_into(state: dict[str, Any], path: Any) -> bool:
    """Can ipywidgets put a buffer at ``path`` (keys and indexes) of ``state``?"""
    if not isinstance(path, list) or not path:
        return False
    place: Any = state
    for i, key in enumerate(path):
        last = i == len(path) - 1
        if isinstance(place, dict) and isinstance(key, str) and (last or key in place):
            place = place.get(key)
        elif isinstance(place, list) and type(key) is int and 0 <= key < len(place):
            place = place[key]
        else:
            return False
    return True


def _check_values(widget: Any, state: dict[str, Any], skipped: set[Any]) -> None:
    """Refuse a value ``widget``'s trait would refuse (keys holding buffers aside). A single key is
    checked as ipywidgets sets it; with several, each by its type alone (their cross-checks may
    depend on each other's new values)."""
    traits = widget.traits()
    for key, value in state.items():
        trait = traits.get(key)
        if key in skipped or trait is None or key not in getattr(widget, "keys", ()):
            continue
        try:
            from_json = widget.trait_metadata(key, "from_json", widget._trait_from_json)
            new = from_json(value, widget)
            if len(state) == 1:
                trait._validate(widget, new)
            elif not (new is None and trait.allow_none) and hasattr(trait, "validate"):
                trait.validate(widget, new)
        except Exception as err:
            name = getattr(widget, "_model_name", type(widget).__name__)
            raise ProtocolError(
                "bad-value",
                clip(
                    f"ipywidgets bridge: {name} {getattr(widget, 'model_id', '')} refused {key}={short(value)} "
                    f"from a page ({clip(str(err), 200)}); the page shows the kernel's value again: "
                    "fix the front-end code that set it"
                ),
            ) from None


def check_update(widget: Any, data: Any) -> None:
    """Raise ProtocolError if the page's comm message ``data`` for ``widget`` (an ipywidgets
    ``Widget``, None when unknown) changes a key that no view of it edits."""
    if widget is None or not isinstance(data, dict) or data.get("method") != "update":
        return
    state = data.get("state")
    if not isinstance(state, dict):
        return
    refused = sorted(key for key in state if not writable(widget, key))
    if refused:
        name = getattr(widget, "_model_name", type(widget).__name__)
        if getattr(widget, "_model_module", None) in STANDARD_MODULES:
            editable = sorted(k for k in getattr(widget, "keys", ()) if _edited(widget, k)) or ["none"]
            why = f"its views change: {', '.join(editable)}"
        else:
            why = "no page changes which code renders a widget"
        raise ProtocolError(
            "read-only",
            clip(
                f"ipywidgets bridge: a page may not change {', '.join(map(repr, refused))} of {name} "
                f"{getattr(widget, 'model_id', '')} ({why}); the change was refused",
            ),
        )


def echo_kernel_values(widget: Any, state: dict[str, Any]) -> None:
    """Answer a page whose update ``widget`` refused with the kernel's values of its keys, as their
    echo: a page's model ignores updates of a key until its echo arrives, and ipywidgets itself would
    echo the refused value to every page."""
    from ipywidgets.widgets.widget import _remove_buffers

    keys = [key for key in state if key in widget.keys]
    kernel_state, paths, buffers = _remove_buffers(widget.get_state(keys))
    widget._send({"method": "echo_update", "state": kernel_state, "buffer_paths": paths}, buffers=buffers)


def writable(widget: Any, key: str) -> bool:
    """May a page change ``widget.key``?"""
    if key in STRUCTURAL_KEYS or (key.startswith(("_model_", "_view_")) and key != "_view_count"):
        return False
    if getattr(widget, "_model_module", None) not in STANDARD_MODULES:
        return True
    return _edited(widget, key) or _linked_in_the_page(widget, key)


def _edited(widget: Any, key: str) -> bool:
    """Does a view of this control of ipywidgets' own edit ``key``?"""
    return key in EDITED_KEYS and not (key == "value" and getattr(widget, "_model_name", None) in SHOWN_ONLY)


def _linked_in_the_page(widget: Any, key: str) -> bool:
    """Does a ``jslink`` (both ways) or ``jsdlink`` (to its target) set ``widget.key`` in the page?"""
    for link in list(_widgets().values()):
        kind = getattr(link, "_model_name", None)
        if kind not in ("LinkModel", "DirectionalLinkModel"):
            continue
        ends = [link.target, link.source] if kind == "LinkModel" else [link.target]
        if any(isinstance(end, tuple) and len(end) == 2 and end[0] is widget and end[1] == key for end in ends):
            return True
    return False


def widget_of(comm_id: str) -> Any:
    """The ipywidgets widget whose comm is ``comm_id``, or None."""
    return _widgets().get(comm_id)


def _widgets() -> dict[str, Any]:
    """Every open ipywidgets widget by model id."""
    try:
        from ipywidgets.widgets import widget as module
    except ImportError:
        return {}
    instances = getattr(module, "_instances", None)  # ipywidgets 8
    if instances is None:
        instances = module.Widget.__dict__.get("widgets", {})  # ipywidgets 7: a class attribute
    return instances if isinstance(instances, dict) else {}
