"""benchmarks/compat_report.py: the front-end format named for a package, and the table's rows."""

import pytest
from fakes import load_benchmark_script


@pytest.fixture(scope="module")
def report():
    return load_benchmark_script("compat_report", "compat_report.py")


def test_front_end_format_names_each_kind_and_marks_labextension_only_packages(report):
    assert report.front_end_format([], ["ipyevents"], False) == "labextension only (ipyevents)"
    assert report.front_end_format(["bqplot"], ["bqplot"], False) == "nbextension (bqplot); labextension (bqplot)"
    assert report.front_end_format([], ["jupyterlab-plotly"], True) == "anywidget ESM; labextension (jupyterlab-plotly)"
    assert report.front_end_format([], [], False) == "ipywidgets composition"


def test_table_counts_each_side_and_names_what_cellwire_misses(report):
    ok, no = report.Outcome(report.RENDERS), report.Outcome(report.FAILS, "console: “no | module”")
    rows = [
        report.Row("a", "1.0", "anywidget ESM", ok, ok),
        report.Row("b", "2.0", "labextension only (b)", no, ok),
        report.Row(
            "c", "3.0", "nbextension (c)", report.Outcome(report.PARTIAL, "a click did not reach the kernel"), no
        ),
    ]
    text = report.render_table(rows, "# title")
    assert "Of 3 samples, cellwire drew 2 and JupyterLab's own manager drew 2." in text
    assert "JupyterLab draws but cellwire does not: b." in text
    assert "| b | 2.0 | labextension only (b) | ❌ fails | ✅ renders | cellwire: console: “no \\| module” |" in text
    assert "| c | 3.0 | nbextension (c) | ⚠️ partly | ❌ fails | cellwire: a click did not reach the kernel; " in text


def test_short_keeps_one_table_cell(report):
    assert report.short("a |\n b") == "a \\| b"
    assert report.short("x" * 200, 10) == "x" * 9 + "…"


def test_a_saved_row_reads_back_the_same(report):
    from dataclasses import asdict

    row = report.Row("a", "1.0", "anywidget ESM", report.Outcome(report.RENDERS), report.Outcome(report.FAILS, "x"))
    assert report.row_from_dict(asdict(row)) == row


def test_the_known_reason_shows_only_when_a_side_does_not_render(report):
    ok, no = report.Outcome(report.RENDERS), report.Outcome(report.FAILS, "blank")
    rows = [report.Row("a", "1", "f", ok, ok, "needs a CDN"), report.Row("b", "1", "f", no, ok, "needs a shell")]
    text = report.render_table(rows, "# t")
    assert "needs a CDN" not in text
    assert "| **needs a shell**; cellwire: blank |" in text
