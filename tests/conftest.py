"""Rules of the whole suite, unit and end-to-end: nothing a test starts outlives the run.

Every process the run starts carries its marker (``suite_processes``); at the end, whatever still
runs is listed, killed, and fails the run. (Each test's time limit is pytest-timeout's, set in
pyproject.toml.)
"""

from __future__ import annotations

import pytest

import suite_processes

_marker = pytest.StashKey[str]()


def pytest_addoption(parser: pytest.Parser) -> None:
    # long enough for servers that were just sent SIGTERM to shut their kernels down, and for
    # Chromium's helpers to follow the browser out
    parser.addini("exit_grace", "seconds the run's processes get to end after the last test", default="20")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_marker] = suite_processes.mark_this_run()


@pytest.hookimpl(trylast=True)  # after pytest's own, which tears down what an interrupted run left set up
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    grace = float(session.config.getini("exit_grace"))
    left = suite_processes.wait_for_exit(session.config.stash[_marker], grace)
    if not left:
        return
    suite_processes.kill(left)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = [f"{len(left)} process(es) started by the tests still ran {grace:g} s after the last test (killed now):"]
    lines += [f"  pid {p.pid}: {p.command}" for p in left]
    if reporter is not None:
        reporter.ensure_newline()
        reporter.write_sep("=", "processes left behind", red=True)
        for line in lines:
            reporter.write_line(line)
    if session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
