"""One rule for a Channel's ``esm``/``css`` given as text or as a file (anywidget's rule for ``_esm``)."""

from __future__ import annotations

from pathlib import Path

import pytest

import cellwire as cw
from cellwire.target import read_source


def test_a_path_reads_the_file_and_source_text_stays_text(tmp_path: Path):
    module = tmp_path / "view.js"
    module.write_text("export function render({ el }) { el.textContent = 'hi'; }")
    assert read_source(module) == module.read_text()
    assert read_source(str(module)) == module.read_text()
    one_liner = "export default { render({ el }) { el.textContent = 'view.js'; } }"
    assert read_source(one_liner) == one_liner


def test_a_missing_file_is_an_error_that_says_so(tmp_path: Path):
    missing = str(tmp_path / "nope.js")
    with pytest.raises(FileNotFoundError, match="no such file"):
        cw.Channel(esm=missing)
