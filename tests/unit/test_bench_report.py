"""benchmarks/run.py's report: every table row, and the goals judged against the run's numbers."""

import pytest
from fakes import load_benchmark_script


@pytest.fixture(scope="module")
def bench():
    return load_benchmark_script("bench_run", "run.py")


def stream(iopub, tunnel, *, achieved=10_000.0, final=True, dropped=False, ended=True):
    shown = 20000 if final else 19869
    return {"achieved": achieved, "iopub": iopub, "tunnel": tunnel, "final": final, "shown": shown} | {
        "dropped": dropped,
        "ended": ended,
    }


def tti(ms, memory=0.1):
    return {"ms": ms, "memory MiB": memory}


def bridge_lines(*, messages=60, final=True, bridge_tti=(150, 300, 1500), extension_tti=(128, 719, 3600)):
    lines = {
        ("bridge", "cold"): {"ms": 900},
        ("extension", "cold"): {"ms": 140},
        ("bridge", "reload"): {"ms": 500},
        ("extension", "reload"): {"ms": 300},
        ("bridge", "round trip"): {"median": 4.0, "p95": 6.0, "n": 300},
        ("extension", "round trip"): {"median": 50.0, "p95": 75.0, "n": 300},
        ("bridge", "bundle fetches"): 1,
        ("bridge", "bundle fetches after reload"): 1,
        "bundle bytes": 880_000,
        ("bridge", "fresh"): {
            "ms": 400,
            "import ms": 120,
            "steps": {"loader": 90, "runtime-imported": 250, "displayed": 330},
        },
        ("bridge", "cached"): {
            "ms": 300,
            "import ms": 110,
            "steps": {"loader": 90, "runtime-imported": 140, "displayed": 230},
        },
        ("extension", "fresh"): {"ms": 250, "import ms": 150, "steps": {}},
        ("bridge", "stream"): stream(0, messages, final=final),
        ("extension", "stream"): stream(130, 0),
        ("plain", "stream"): stream(9885, 0, achieved=4241.0, final=False, dropped=True, ended=False),
    }
    for path, times in (("bridge", bridge_tti), ("extension", extension_tti)):
        for count, ms in zip((1, 200, 1000), times, strict=True):
            lines[path, "tti", count] = tti(ms, 2.0 if count == 200 else 0.1)
    return lines


def results(*, accel_rt=2.5, stock_rt=3.0, down=83.0, ext_down=51.0, up=52.0, **bridge):
    rt = lambda median: {"median": median, "p95": median * 1.5, "n": 300}  # noqa: E731
    mbs = lambda rate, mb=100: {"MB/s": rate, "ms": mb / rate * 1000, "MB": mb}  # noqa: E731
    transfer = {}
    for server in ("stock", "accelerated"):
        transfer["bridge", server, "download"] = mbs(down)
        transfer["bridge", server, "upload"] = mbs(up)
        transfer["extension", server, "download"] = mbs(ext_down)
        transfer["extension", server, "upload"] = mbs(60, 8)
    transfer.update(
        {
            ("bridge", "stock", "download-main"): mbs(98),
            ("bridge", "stock", "upload-main"): mbs(48),
            ("bridge", "stock", "download-medium"): mbs(82, 50),
            ("bridge", "stock", "upload-medium"): mbs(53, 50),
            ("extension", "stock", "download-medium"): mbs(61, 50),
            ("extension", "stock", "upload-big"): {"error": "Page.evaluate: Error: timed out"},
        }
    )
    return {
        "round trip": {
            ("bridge", "stock", "worker"): rt(stock_rt),
            ("bridge", "stock", "main"): rt(1.7),
            ("bridge", "accelerated", "worker"): rt(accel_rt),
            ("extension", "stock", "worker"): rt(48.0),
            ("extension", "accelerated", "worker"): rt(14.0),
        },
        "busy": {"stock": rt(9.8), "accelerated": rt(4.4)},
        "transfer": transfer,
        "ceiling": {"down MB/s": 128.0, "up MB/s": 52.0},
        "bridge": bridge_lines(**bridge),
        "chromium": "156.0",
        "big MB": 100.0,
        "medium MB": 50.0,
    }


def goal_rows(bench, **kw) -> dict[str, str]:
    """Goal text -> 'yes' / '**no**'."""
    rows = [
        line.strip("|").split("|")
        for line in bench.goals(results(**kw))
        if line.startswith("| ") and "goal" not in line
    ]
    return {cells[0].strip(): cells[-1].strip() for cells in rows}


def bridge_goal_rows(bench, **kw) -> dict[str, str]:
    rows = [line.strip("|").split("|") for line in bench.bridge_goals(bridge_lines(**kw)) if line.startswith("| ")]
    return {cells[0].strip(): cells[-1].strip() for cells in rows if cells[0].strip() != "goal"}


def test_the_report_has_every_table_and_row(bench, monkeypatch):
    monkeypatch.setattr(bench, "versions", lambda: "versions")
    text = bench.report(results())
    for row in (
        "| anywidget's extension | stock | JupyterLab's | 48.0 |",
        "| cellwire's bridge | stock | worker | 3.0 |",
        "16× faster",
        "| cellwire's bridge, 50 MB | stock | 82 | 53 |",
        "| anywidget's extension, 50 MB | stock | 61 | impossible¹ |",
        "| anywidget's extension | stock | 51 | 60 (8 MB; 100 MB impossible¹) |",
        "| cellwire's bridge, socket on the main thread | stock | 98 | 48 |",
        "bare WebSocket",
        "Error: timed out",
        "| | 1 slider | 200 sliders | 1,000 sliders | kernel memory for 200 |",
        "| cellwire's bridge | 150 ms | 300 ms | 1500 ms | +2.0 MiB |",
        "| jupyterlab_widgets | 128 ms | 719 ms | 3600 ms | +2.0 MiB |",
        "| bridge / extension | 1.17× | 0.42× | 0.42× | |",
        "| cellwire's bridge, runtime fetched from the kernel (empty browser cache) | 400 ms | 120 ms | 160 ms | 80 ms |",
        "| first bridged IntSlider, fresh page ≤ 3× ipywidgets with its extension | 6.4× | **no** |",
        "| bridged custom-message round trip ≤ 5 ms | 4.0 ms | yes |",
        "| cellwire's bridge, no extension | 10000/s | 0 | 60 | no | yes | yes |",
        "| jupyterlab_widgets, as without cellwire | 4241/s | 9885 | 0 | yes | no (shows 19869) | **no** |",
        "**Goals**",
    ):
        assert row in text, row
    assert "\n| cellwire |" not in text  # (cellwire's own widgets are retired: every row is a path's)


def test_goals_are_judged_against_the_runs_numbers(bench):
    judged = goal_rows(bench)
    assert list(judged.values()) == ["yes", "yes", "**no**", "**no**", "yes"]
    assert goal_rows(bench, down=160.0)["100 MB kernel → page ≥ 3× the extension's rate"] == "yes"
    assert goal_rows(bench, down=210.0, up=205.0)["100 MB at ≥ 200 MB/s both ways"] == "yes"


@pytest.mark.parametrize("change", [{"accel_rt": 4.5}, {"accel_rt": 5.0, "stock_rt": 30.0}])
def test_a_slow_round_trip_misses_its_goal(bench, change):
    judged = goal_rows(bench, **change)
    assert "**no**" in judged["round trip with the accelerator ≤ 4 ms, ≥ 10× faster than the extension"]
    if "stock_rt" in change:
        assert judged["round trip on a stock server ≤ 25 ms, ≥ 2× faster than the extension"] == "**no**"


@pytest.mark.parametrize("change", [{"messages": 400}, {"final": False}])
def test_streaming_misses_its_goal_when_too_many_messages_or_a_wrong_final_value(bench, change):
    judged = goal_rows(bench, **change)
    assert judged["10,000 updates/s coalesced into ≤ 100 messages/s, final value exact, no drops"] == "**no**"


def test_the_scale_goals_are_judged_per_count_and_for_linear_growth(bench):
    judged = bridge_goal_rows(bench)
    assert judged["200 bridged sliders live in ≤ 0.5× the extension's time"] == "yes"
    assert judged["1,000 bridged sliders live in ≤ 0.5× the extension's time"] == "yes"
    assert judged["growing linearly (time per slider at 1,000 ≤ 1.25× that at 200)"] == "yes"
    slow = bridge_goal_rows(bench, bridge_tti=(150, 300, 2400))
    assert slow["1,000 bridged sliders live in ≤ 0.5× the extension's time"] == "**no**"
    assert slow["growing linearly (time per slider at 1,000 ≤ 1.25× that at 200)"] == "**no**"
    assert (
        bridge_goal_rows(bench, bridge_tti=(150, 400, 1500))["200 bridged sliders live in ≤ 0.5× the extension's time"]
        == "**no**"
    )
