"""Text, Textarea, Label, HTML and Markdown."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from traitlets import Bool, Int, Unicode, observe

from ..callbacks import CallbackList
from .base import Widget, esc, labelled


class Text(Widget):
    """A one-line text box. With ``continuous_update=False`` the kernel gets the value on Enter or
    when the box loses focus; ``on_submit(callback)`` runs on Enter."""

    _family = "text"
    value = Unicode("").tag(sync=True)
    placeholder = Unicode("").tag(sync=True)
    description = Unicode("").tag(sync=True)
    disabled = Bool(False).tag(sync=True)
    continuous_update = Bool(True).tag(sync=True)

    def __init__(self, value: str = "", **kwargs: Any) -> None:
        super().__init__(value=value, **kwargs)
        self._submit_handlers = CallbackList("Text.on_submit")
        self.on_msg(self._on_custom)

    def on_submit(self, callback: Callable[[Text], Any], remove: bool = False) -> None:
        """Run ``callback(widget)`` when the user presses Enter; with ``remove=True``, stop."""
        self._submit_handlers.register(callback, remove)

    def _on_custom(self, _model: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("event") == "submit":
            self._submit_handlers(self)

    def _snapshot_html(self) -> str:
        return labelled(
            self.description,
            f'<input type="text" disabled value="{esc(self.value)}" placeholder="{esc(self.placeholder)}">',
        )


class Textarea(Text):
    """A multi-line text box."""

    rows = Int(None, allow_none=True).tag(sync=True)

    def _snapshot_html(self) -> str:
        return labelled(self.description, f'<textarea disabled rows="{self.rows or 3}">{esc(self.value)}</textarea>')


class Label(Widget):
    """Plain text (never interpreted as HTML)."""

    _family = "text"
    value = Unicode("").tag(sync=True)

    def __init__(self, value: str = "", **kwargs: Any) -> None:
        super().__init__(value=value, **kwargs)

    def _snapshot_html(self) -> str:
        return f"<span>{esc(self.value)}</span>"


class HTML(Widget):
    """HTML markup, shown as is (like ipywidgets' HTML: it is trusted as the code that made it).

    The one standard widget whose ``value`` is markup: event-handler attributes in it run
    (``<script>`` elements don't). Every other widget shows its strings as text.
    """

    _family = "text"
    value = Unicode("").tag(sync=True)
    description = Unicode("").tag(sync=True)

    def __init__(self, value: str = "", **kwargs: Any) -> None:
        super().__init__(value=value, **kwargs)

    def _snapshot_html(self) -> str:
        return labelled(self.description, f"<div>{self.value}</div>")


class Markdown(Widget):
    """Markdown text, converted to HTML in the kernel by a small built-in converter (headings,
    emphasis, code, links and lists). Raw HTML is escaped; links go to http(s), mailto or relative
    URLs only."""

    _family = "text"
    value = Unicode("").tag(sync=True)
    _html = Unicode("").tag(sync=True)

    def __init__(self, value: str = "", **kwargs: Any) -> None:
        super().__init__(value=value, **kwargs)
        self._html = markdown_to_html(self.value)

    @observe("value")
    def _render_markdown(self, change: dict[str, Any]) -> None:
        self._html = markdown_to_html(change["new"])

    def _snapshot_html(self) -> str:
        return f'<div class="cw-markdown">{self._html}</div>'


def _inline(text: str) -> str:
    text = html.escape(text, quote=True)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", text)
    text = re.sub(r"(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)", r"<em>\1</em>", text)

    def link(m: re.Match[str]) -> str:
        url = m.group(2)
        if not re.match(r"(https?:|mailto:|#|/|\./)", html.unescape(url)):
            return m.group(0)
        return f'<a href="{url}" target="_blank" rel="noopener">{m.group(1)}</a>'

    return re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", link, text)


def markdown_to_html(source: str) -> str:
    """Markdown to HTML, escaping any raw HTML in the source."""
    out: list[str] = []
    para: list[str] = []
    list_kind: str | None = None
    in_code = False
    code: list[str] = []

    def end_para() -> None:
        if para:
            out.append(f"<p>{_inline(' '.join(para))}</p>")
            para.clear()

    def end_list() -> None:
        nonlocal list_kind
        if list_kind:
            out.append(f"</{list_kind}>")
            list_kind = None

    for line in source.splitlines():
        if line.strip().startswith("```"):
            if in_code:
                out.append(f"<pre><code>{html.escape(chr(10).join(code))}</code></pre>")
                code.clear()
            else:
                end_para()
                end_list()
            in_code = not in_code
            continue
        if in_code:
            code.append(line)
            continue
        heading = re.match(r"(#{1,6})\s+(.*)", line)
        item = re.match(r"\s*([-*+]|\d+\.)\s+(.*)", line)
        if heading:
            end_para()
            end_list()
            level = len(heading.group(1))
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif item:
            end_para()
            kind = "ol" if item.group(1)[0].isdigit() else "ul"
            if list_kind != kind:
                end_list()
                out.append(f"<{kind}>")
                list_kind = kind
            out.append(f"<li>{_inline(item.group(2))}</li>")
        elif not line.strip():
            end_para()
            end_list()
        else:
            end_list()
            para.append(line.strip())
    if in_code:
        out.append(f"<pre><code>{html.escape(chr(10).join(code))}</code></pre>")
    end_para()
    end_list()
    return "\n".join(out)
