"""Standard widgets, interact, Output, snapshots and the anywidget bridge, kernel side."""

import datetime
import struct
import zlib

import pytest
import traitlets
from fakes import Page, settle

import cellwire as cw
from cellwire.widgets.interact import fixed, widget_for
from cellwire.widgets.text import markdown_to_html


def last_update(page, widget):
    return [d for d, _ in page.comm.model_msgs(widget.target_id) if d.get("method") == "update"][-1]


def test_selection_keeps_value_label_and_index_consistent(link):
    dd = cw.Dropdown(["a", ("B", 2), "c"], value=2)
    assert (dd.index, dd.label, dd.value) == (1, "B", 2)
    dd.label = "c"
    assert (dd.index, dd.value) == (2, "c")
    page = Page(link, "p1")
    assert page.attach(dd)["init"]["state"]["_options_labels"] == ["a", "B", "c"]
    page.update({"index": 0})
    assert dd.value == "a"
    page.update({"index": 7})
    assert dd.value == "a" and "out of range" in last_update(page, dd)["errors"]["index"]
    with pytest.raises(traitlets.TraitError):
        dd.value = "zzz"
    sm = cw.SelectMultiple({"one": 1, "two": 2, "three": 3}, value=[3, 1])
    assert sm.index == (2, 0) and sm.label == ("three", "one")
    dd.options = ["x", "y"]
    assert dd.value == "x" and dd._options_labels == ["x", "y"]


def test_snapshots_escape_text_and_show_values():
    label = cw.Label('<script>alert("x")</script>')
    assert "<script>" not in label._snapshot_html() and "&lt;script&gt;" in label._snapshot_html()
    text = cw.Text('say "hi" <b>', description="<i>d</i>")
    snap = text._snapshot_html()
    assert 'value="say &quot;hi&quot; &lt;b&gt;"' in snap and "&lt;i&gt;d&lt;/i&gt;" in snap
    assert "<b>7</b>" in cw.IntSlider(7)._snapshot_html()
    assert "2024-01-02" in cw.DatePicker(datetime.date(2024, 1, 2))._snapshot_html()
    box = cw.VBox([cw.Checkbox(True, description="ok"), cw.Tab([cw.Label("p1")], titles=["T<1>"])])
    snap = box._snapshot_html()
    assert "checked" in snap and "T&lt;1&gt;" in snap and "p1" in snap
    bundle = cw.IntSlider(3)._repr_mimebundle_()
    assert bundle["text/plain"].startswith("IntSlider(value=3") and "cellwire-snapshot" in bundle["text/html"]


def test_snapshot_mark_changes_with_children():
    child = cw.IntSlider(1)
    box = cw.HBox([child])
    mark = box._state_mark()
    child.value = 2
    assert box._state_mark() != mark


def test_markdown_escapes_html_and_unsafe_links():
    html = markdown_to_html(
        "# T\n\n<img src=x onerror=alert(1)> **b** [ok](https://x.org) [bad](javascript:alert(1))\n\n```\n<tag>\n```"
    )
    assert "<img" not in html and "&lt;img" in html
    assert '<a href="https://x.org"' in html and 'href="javascript' not in html
    assert "<pre><code>&lt;tag&gt;</code></pre>" in html and "<strong>b</strong>" in html


def test_image_from_numpy_is_a_valid_png():
    import numpy as np

    img = cw.Image(np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3))
    data = img.value
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and img.format == "png"
    width, height, depth, color = struct.unpack(">IIBB", data[16:26])
    assert (width, height, depth, color) == (3, 2, 8, 2)
    idat_len = struct.unpack(">I", data[33:37])[0]
    raw = zlib.decompress(data[41 : 41 + idat_len])
    assert raw == b"\x00" + bytes(range(9)) + b"\x00" + bytes(range(9, 18))
    img.value = b"\xff\xd8\xff\xe0 jpeg"
    assert img.format == "jpeg"
    with pytest.raises(traitlets.TraitError):
        img.value = "not bytes"


def test_image_bytes_travel_as_a_buffer(link):
    page = Page(link, "p1")
    img = cw.Image(b"\x89PNG fake")
    page.attach(img)
    assert page.comm.sent[-1][1] == [b"\x89PNG fake"]
    img.value = b"\x89PNG new"
    settle(page)
    data, buffers = page.comm.model_msgs(img.target_id)[-1]
    assert data["buffer_paths"] == [["value"]] and buffers == [b"\x89PNG new"]


def test_color_and_date_validation(link):
    cp = cw.ColorPicker("#ABC")
    assert cp.value == "#aabbcc"
    page = Page(link, "p1")
    page.attach(cp)
    page.update({"value": "red"})
    assert cp.value == "#aabbcc" and "not a color" in last_update(page, cp)["errors"]["value"]
    dp = cw.DatePicker()
    page.attach(dp, view="v2")
    page.update({"value": "2025-03-04"}, view="v2")
    assert dp.value == datetime.date(2025, 3, 4)
    page.update({"value": "March"}, view="v2")
    assert dp.value == datetime.date(2025, 3, 4)


def test_button_clicks_and_disabled(link):
    page = Page(link, "p1")
    b = cw.Button("go")
    hits = []
    b.on_click(lambda w: hits.append(w))
    page.attach(b)
    page.custom({"event": "click"})
    assert hits == [b] and b.clicks == 1
    b.disabled = True
    page.custom({"event": "click"})
    assert len(hits) == 1


def test_interact_abbreviations():
    assert isinstance(widget_for(5, "n"), cw.IntSlider) and widget_for(5, "n").max == 15
    assert isinstance(widget_for(0.5, "x"), cw.FloatSlider)
    assert isinstance(widget_for(True, "b"), cw.Checkbox)
    assert isinstance(widget_for("s", "t"), cw.Text)
    assert isinstance(widget_for((0, 10), "r"), cw.IntSlider) and widget_for((0, 10, 2), "r").step == 2
    assert isinstance(widget_for((0, 1.0), "r"), cw.FloatSlider)
    assert widget_for(["a", "b"], "c").value == "a"
    assert widget_for({"one": 1}, "c").value == 1
    with pytest.raises(ValueError, match="cannot make a control"):
        widget_for(object(), "o")


def test_interactive_reruns_and_captures(link):
    def f(n: int, k=fixed(3), word="x"):  # noqa: B008 (interact's idiom: a fixed argument)
        print(n, k, word)
        return n * k

    w = cw.interactive(f)
    assert [type(c).__name__ for c in w.children] == ["IntSlider", "Text", "Output"]
    w.controls["n"].value = 4
    assert w.result == 12 and w.kwargs == {"n": 4, "k": 3, "word": "x"}
    assert w.out.outputs[0] == {"output_type": "stream", "name": "stdout", "text": "4 3 x\n12\n"}
    with pytest.raises(ValueError, match="no default"):
        cw.interactive(lambda q: q)
    with pytest.raises(ValueError, match="no argument"):
        cw.interactive(f, nope=1)


def test_output_captures_prints_errors_and_strips_ansi():
    out = cw.Output()
    with out:
        print("\x1b[31mred\x1b[0m")
        print("more")
        raise KeyError("k")
    assert out.outputs[0] == {"output_type": "stream", "name": "stdout", "text": "red\nmore\n"}
    assert out.outputs[1]["output_type"] == "error" and out.outputs[1]["ename"] == "KeyError"
    out.append_display_data(cw.Label("inner"))
    assert "application/vnd.cellwire.model+json" in out.outputs[2]["data"]
    assert "inner" in out._snapshot_html()
    out.clear_output()
    assert out.outputs == []


def test_bridge_mirrors_a_real_anywidget(link):
    import wigglystuff

    w = wigglystuff.Slider2D(x=0.25, y=0.5)
    model = cw.wrap(w)
    assert cw.wrap(w) is model
    page = Page(link, "p1")
    init = page.attach(model)
    assert init["init"]["state"]["x"] == 0.25 and "_esm" not in init["init"]["state"]
    assert "sliderCanvas" in init["module"]["source"]  # its own _esm, unchanged
    page.update({"x": 0.75})
    assert w.x == 0.75
    page.update({"x": "far"})
    assert w.x == 0.75 and "x" in last_update(page, model)["errors"]
    w.y = -0.5
    settle(page)  # within one flush interval of the last update: deferred
    assert last_update(page, model)["state"] == {"y": -0.5}
    got = []
    w.on_msg(lambda widget, content, buffers: got.append(content))
    page.custom({"hello": 1})
    assert got == [{"hello": 1}]
    w.send({"to": "page"})
    assert page.comm.model_msgs(model.target_id)[-1][0] == {"method": "custom", "content": {"to": "page"}}
    assert "Slider2D" in model._snapshot_html()


def test_unknown_keyword_is_an_error_with_a_hint():
    with pytest.raises(TypeError, match=r"no trait 'valeu' \(did you mean 'value'\?\)"):
        cw.IntSlider(valeu=3)


def test_interact_manual_runs_only_on_click():
    calls = []
    w = cw.interactive(lambda n=3: calls.append(n), manual=True)
    assert calls == [] and isinstance(w.children[-2], cw.Button)
    w.controls["n"].value = 4
    assert calls == []
    w.manual_button.click()
    assert calls == [4]


def test_each_widget_names_the_view_of_the_standard_widget_it_is():
    from cellwire.widgets.interact import interactive

    class Mine(cw.IntSlider):
        pass

    assert cw.FloatSlider()._view_name == "FloatSlider"
    assert Mine()._view_name == "IntSlider"
    assert interactive(lambda n: n, n=3)._view_name == "VBox"  # interact builds on VBox
    assert cw.ColorPicker()._view_name == "ColorPicker"
