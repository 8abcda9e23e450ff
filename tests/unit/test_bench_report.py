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


def results(*, accel_rt=2.5, stock_rt=3.0, down=83.0, any_down=51.0, up=52.0, messages=94, final=True):
    rt = lambda median: {"median": median, "p95": median * 1.5, "n": 300}  # noqa: E731
    mbs = lambda rate, mb=100: {"MB/s": rate, "ms": mb / rate * 1000, "MB": mb}  # noqa: E731
    transfer = {}
    for server in ("stock", "accelerated"):
        transfer["cellwire", server, "download"] = mbs(down)
        transfer["cellwire", server, "upload"] = mbs(up)
        transfer["anywidget", server, "download"] = mbs(any_down)
        transfer["anywidget", server, "upload"] = mbs(60, 8)
    transfer.update(
        {
            ("cellwire", "stock", "download-main"): mbs(98),
            ("cellwire", "stock", "upload-main"): mbs(48),
            ("cellwire", "stock", "download-medium"): mbs(82, 50),
            ("cellwire", "stock", "upload-medium"): mbs(53, 50),
            ("anywidget", "stock", "download-medium"): mbs(61, 50),
            ("anywidget", "stock", "upload-big"): {"error": "Page.evaluate: Error: timed out"},
        }
    )
    return {
        "round trip": {
            ("anywidget", "stock", "worker"): rt(48.0),
            ("cellwire", "stock", "worker"): rt(stock_rt),
            ("cellwire", "stock", "main"): rt(1.7),
            ("anywidget", "accelerated", "worker"): rt(14.0),
            ("cellwire", "accelerated", "worker"): rt(accel_rt),
        },
        "busy": {"stock": rt(9.8), "accelerated": rt(4.4)},
        "transfer": transfer,
        "stream": {
            "cellwire": {"achieved": 10_000.0, "received": messages, "final": final, "shown": 20000, "dropped": False},
            "ipywidgets": {"achieved": 4241.0, "received": 9885, "final": False, "shown": 19869, "dropped": True},
        },
        "tti": {
            ("cellwire", 1): {"ms": 154, "memory MiB": 0.1},
            ("cellwire", 200): {"ms": 423, "memory MiB": 2.0},
            ("ipywidgets", 1): {"ms": 128, "memory MiB": 0.1},
            ("ipywidgets", 200): {"ms": 719, "memory MiB": 1.6},
        },
        "ceiling": {"down MB/s": 128.0, "up MB/s": 52.0},
        "bridge": {
            ("bridge", "cold"): {"ms": 900},
            ("extension", "cold"): {"ms": 140},
            ("bridge", "reload"): {"ms": 500},
            ("extension", "reload"): {"ms": 300},
            ("bridge", "round trip"): rt(4.0),
            ("extension", "round trip"): rt(50.0),
            ("bridge", "bundle fetches"): 1,
            ("bridge", "bundle fetches after reload"): 1,
            "bundle bytes": 880_000,
            ("cellwire", "fresh"): {
                "ms": 400,
                "import ms": 120,
                "steps": {"loader": 90, "runtime-imported": 250, "rendered": 330},
            },
            ("cellwire", "cached"): {
                "ms": 300,
                "import ms": 110,
                "steps": {"loader": 90, "runtime-imported": 140, "rendered": 230},
            },
            ("ipywidgets", "fresh"): {"ms": 250, "import ms": 150, "steps": {}},
            ("bridge", "stream"): stream(0, 60),
            ("extension", "stream"): stream(130, 0),
            ("plain", "stream"): stream(9885, 0, achieved=4241.0, final=False, dropped=True, ended=False),
        },
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


def test_the_report_has_every_table_and_row(bench, monkeypatch):
    monkeypatch.setattr(bench, "versions", lambda: "versions")
    text = bench.report(results())
    for row in (
        "| anywidget | stock | JupyterLab's | 48.0 |",
        "| cellwire | stock | worker | 3.0 |",
        "16× faster",
        "| cellwire, 50 MB | stock | 82 | 53 |",
        "| anywidget, 50 MB | stock | 61 | impossible¹ |",
        "| anywidget | stock | 51 | 60 (8 MB; 100 MB impossible¹) |",
        "bare WebSocket",
        "Error: timed out",
        "| ipywidgets | 4241/s | 9885 | yes | no (shows 19869) |",
        "| cellwire | 154 ms | 423 ms | +2.0 MiB |",
        "| cellwire, runtime fetched from the kernel (empty browser cache) | 400 ms | 120 ms | 160 ms | 80 ms |",
        "| first bridged IntSlider, fresh page ≤ 2× ipywidgets with its extension | 6.4× | **no** |",
        "| a cellwire widget from a new kernel no slower than ipywidgets' | 1.6× | **no** |",
        "| bridged custom-message round trip ≤ 5 ms | 4.0 ms | yes |",
        "| cellwire's bridge, no extension | 10000/s | 0 | 60 | no | yes | yes |",
        "| jupyterlab_widgets, as without cellwire | 4241/s | 9885 | 0 | yes | no (shows 19869) | **no** |",
        "**Goals**",
    ):
        assert row in text


def test_goals_are_judged_against_the_runs_numbers(bench):
    judged = goal_rows(bench)
    assert list(judged.values()) == ["yes", "yes", "**no**", "**no**", "yes"]
    assert goal_rows(bench, down=160.0)["100 MB kernel → page ≥ 3× anywidget's rate"] == "yes"
    assert goal_rows(bench, down=210.0, up=205.0)["100 MB at ≥ 200 MB/s both ways"] == "yes"


@pytest.mark.parametrize("change", [{"accel_rt": 4.5}, {"accel_rt": 5.0, "stock_rt": 30.0}])
def test_a_slow_round_trip_misses_its_goal(bench, change):
    judged = goal_rows(bench, **change)
    assert "**no**" in judged["round trip with the accelerator ≤ 4 ms, ≥ 10× faster than anywidget"]
    if "stock_rt" in change:
        assert judged["round trip on a stock server ≤ 25 ms, ≥ 2× faster than anywidget"] == "**no**"


@pytest.mark.parametrize("change", [{"messages": 400}, {"final": False}])
def test_streaming_misses_its_goal_when_too_many_messages_or_a_wrong_final_value(bench, change):
    judged = goal_rows(bench, **change)
    assert judged["10,000 updates/s coalesced into ≤ 100 messages/s, final value exact, no drops"] == "**no**"
