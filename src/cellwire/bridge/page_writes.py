"""What a page may change in a bridged ipywidget: what its views edit, nothing else.

ipywidgets applies every synced key a front-end sends (``Widget.set_state``), and the new value
goes to every other page. A page could set keys no view edits: a ``readout_format`` that d3 cannot
parse breaks each later display of that slider, an ``HTML`` widget's ``value`` is markup the other
pages render. The views of ipywidgets' own controls (7 and 8) edit only the keys below; the views of
other libraries' widgets (anywidget, bqplot, ipyleaflet) may edit any of theirs (ipyleaflet's map
sets its own ``style``), so for those only the keys that say which code renders the widget are
refused. A key that a ``jslink``/``jsdlink`` sets in the page (which saves it) is allowed too.
"""

from __future__ import annotations

from typing import Any

from ..transport.protocol import ProtocolError, clip

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


def check_values(widget: Any, data: Any) -> None:
    """Raise ProtocolError if the page's update for ``widget`` holds a value its trait refuses (a
    custom front-end's bug: a string for an int), after answering the page with the kernel's values
    of the update's keys as their echo. ipywidgets itself would echo the refused value to every page,
    then log a traceback that no output shows; and a page's model ignores updates of a key until its
    echo arrives, so the kernel's values go back as that echo. Keys sent as buffers are not checked."""
    if widget is None or not isinstance(data, dict) or data.get("method") != "update":
        return
    state = data.get("state")
    if not isinstance(state, dict):
        return
    in_buffers = {path[0] for path in data.get("buffer_paths") or () if isinstance(path, list) and path}
    refused = [(key, error) for key in state if key not in in_buffers and (error := _refusal(widget, key, state[key]))]
    if not refused:
        return
    from ipywidgets.widgets.widget import _remove_buffers

    keys = [key for key in state if key in widget.keys]
    kernel_state, paths, buffers = _remove_buffers(widget.get_state(keys))
    widget._send({"method": "echo_update", "state": kernel_state, "buffer_paths": paths}, buffers=buffers)
    key, error = refused[0]
    name = getattr(widget, "_model_name", type(widget).__name__)
    raise ProtocolError(
        "refused",
        clip(
            f"ipywidgets bridge: {name} {getattr(widget, 'model_id', '')} refused {key}={state[key]!r} from the "
            f"page ({error}); the page shows the kernel's value again: fix the front-end code that set it"
        ),
    )


def _refusal(widget: Any, key: str, value: Any) -> str | None:
    """Why ``widget``'s trait ``key`` refuses the page's JSON ``value`` (None: it takes it)."""
    trait = widget.traits().get(key) if key in getattr(widget, "keys", ()) else None
    validate = getattr(trait, "validate", None)
    if trait is None or validate is None:
        return None
    try:
        from_json = widget.trait_metadata(key, "from_json", widget._trait_from_json)
        decoded = from_json(value, widget)
        if not (decoded is None and trait.allow_none):
            validate(widget, decoded)
    except Exception as err:  # (TraitError, or a from_json that cannot read it)
        return f"{type(err).__name__}: {err}"
    return None


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
