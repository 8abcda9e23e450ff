"""Fixtures of the unit tests: a kernel link without a kernel, driven by fake comms (``fakes``)."""

from __future__ import annotations

import pytest
from fakes import make_link

from cellwire import dispatching
from cellwire.transport import kernel_link


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "subshell: the `link` fixture acts as if the kernel had a subshell "
        "(page messages arrive on another thread) and is the installed link",
    )


@pytest.fixture
def link(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> kernel_link.KernelLink:
    """A kernel link answering fake pages (``fakes.open_page``, ``fakes.Page``)."""
    monkeypatch.setattr(dispatching, "_receives_while_busy", None)  # whatever an earlier test set
    link = make_link()
    if request.node.get_closest_marker("subshell"):
        link.subshell_id = "sub-1"
        monkeypatch.setattr(kernel_link, "_link", link)
    return link
