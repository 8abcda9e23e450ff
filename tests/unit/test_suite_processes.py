"""The suite's own promise (tests/conftest.py): a process a test leaves running fails the run and
is killed; a run that leaves nothing passes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import suite_processes

TESTS = Path(__file__).resolve().parents[1]


def run_suite(tmp_path: Path, test_source: str) -> subprocess.CompletedProcess[str]:
    """A pytest run of one test file under this suite's conftest.py (its process check)."""
    shutil.copy(TESTS / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_it.py").write_text(test_source)
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-o",
        "exit_grace=1",
        "--rootdir",
        str(tmp_path),
    ]
    return subprocess.run([*cmd, str(tmp_path)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)


def test_a_process_left_running_fails_the_run_and_is_killed(tmp_path):
    result = run_suite(
        tmp_path,
        "import subprocess\n\ndef test_leaves_one():\n    print('pid', subprocess.Popen(['sleep', '60']).pid)\n",
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 process(es) started by the tests still ran 1 s after the last test (killed now):" in result.stdout
    assert "sleep 60" in result.stdout
    pid = int(result.stdout.split("pid ")[1].split(":")[0])
    assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2][:3]


def test_a_run_that_stops_what_it_started_passes(tmp_path):
    result = run_suite(
        tmp_path,
        "import subprocess\n\ndef test_waits_for_its_child():\n    subprocess.run(['true'], check=True, timeout=10)\n",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "left behind" not in result.stdout


def test_only_this_runs_processes_are_listed():
    child = subprocess.Popen(["sleep", "30"], env={**os.environ, suite_processes.MARKER: "another-run"})
    try:
        assert child.pid not in [p.pid for p in suite_processes.leftovers(os.environ[suite_processes.MARKER])]
        assert child.pid in [p.pid for p in suite_processes.leftovers("another-run")]
    finally:
        child.kill()
        child.wait(timeout=10)
