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

    _page_writable = frozenset({"value"})

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
    """Inline Markdown of one paragraph, heading or list item (no newline in it), in linear time:
    a page may set a Markdown widget's value, and backtracking patterns took seconds on 64 KB."""
    text = html.escape(text, quote=True)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = _pairs(text, _EM_STAR_OPEN, _EM_STAR_CLOSE, "em")
    text = _pairs(text, _EM_UNDERSCORE_OPEN, _EM_UNDERSCORE_CLOSE, "em")
    return _links(text)


# ``*text*`` and ``_text_``: the opening and closing delimiters (one character each) of emphasis.
_EM_STAR_OPEN = re.compile(r"(?<![\w*])\*(?!\s)")
_EM_STAR_CLOSE = re.compile(r"(?<!\s)\*(?![\w*])")
_EM_UNDERSCORE_OPEN = re.compile(r"(?<!\w)_(?!\s)")
_EM_UNDERSCORE_CLOSE = re.compile(r"(?<!\s)_(?!\w)")


def _pairs(text: str, opener: re.Pattern[str], closer: re.Pattern[str], tag: str) -> str:
    """What ``re.sub(opener + "(.+?)" + closer, "<tag>\\1</tag>")`` gives for one-character
    delimiters, without its backtracking: each opener takes the nearest closer after one
    character of content, and when an opener finds none, no later one can."""
    closers = [m.start() for m in closer.finditer(text)]
    out: list[str] = []
    pos = k = 0
    for m in opener.finditer(text):
        if m.start() < pos:
            continue
        while k < len(closers) and closers[k] < m.end() + 1:
            k += 1
        if k == len(closers):
            break
        end = closers[k]
        out += [text[pos : m.start()], f"<{tag}>{text[m.end() : end]}</{tag}>"]
        pos = end + 1
    out.append(text[pos:])
    return "".join(out)


_URL_END = re.compile(r"[)\s]")
_LINK_SCHEMES = re.compile(r"(https?:|mailto:|#|/|\./)")


def _links(text: str) -> str:
    r"""``[label](url)`` as ``re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)")`` would find them, in one pass:
    every ``[`` before the same ``]`` shares that ``]``'s fate, so the scan moves past it."""
    out: list[str] = []
    pos = 0
    url_end: int | None = -1  # the last ')' or space found, reused while the next search starts before it
    start = text.find("[")
    while start != -1:
        close = text.find("]", start + 1)
        if close == -1:
            break
        end = None
        if close > start + 1 and text.startswith("(", close + 1):
            if url_end is not None and url_end < close + 2:
                found = _URL_END.search(text, close + 2)
                url_end = found.start() if found else None
            if url_end is not None and url_end > close + 2 and text[url_end] == ")":
                end = url_end
        if end is None:
            start = text.find("[", close + 1)
            continue
        label, url = text[start + 1 : close], text[close + 2 : end]
        link = f'<a href="{url}" target="_blank" rel="noopener">{label}</a>'
        out += [text[pos:start], link if _LINK_SCHEMES.match(html.unescape(url)) else text[start : end + 1]]
        pos = end + 1
        start = text.find("[", pos)
    out.append(text[pos:])
    return "".join(out)


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
