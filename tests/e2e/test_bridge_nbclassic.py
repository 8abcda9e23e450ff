"""The ipywidgets bridge in nbclassic (no widgetsnbextension in the server env): it falls back to
cellwire's text/html, which goes live."""

from __future__ import annotations

import re

import pytest
from test_bridge import errors, offline, slider_both_ways  # noqa: F401 (a fixture)
from widget_helpers import ALL_FRONTENDS

NBCLASSIC_NO_MANAGER = re.compile(r"Could not open comm|Couldn't process kernel message")

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("server_config", ALL_FRONTENDS[2:], indirect=True)]


def test_int_slider_both_ways_in_nbclassic(notebook, offline):  # noqa: F811
    slider_both_ways(notebook)
    # nbclassic without widgetsnbextension refuses each widget comm, noisily (as without cellwire)
    assert [e for e in errors(notebook) if not NBCLASSIC_NO_MANAGER.search(e)] == []
