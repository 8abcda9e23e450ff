"""The JavaScript unit tests (tests/unit/js/*.test.mjs, node's built-in test runner), run by their
one entry, js/run.mjs, so that `pytest tests/unit` covers them too."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parent / "js" / "run.mjs"


def test_js_unit_tests():
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "node is not installed: the JS unit tests need Node.js >= 20 (make test installs it; or apt-get install nodejs)"
        )
    # The spec reporter names each failing test and shows its assertion.
    result = subprocess.run([node, "--test-reporter=spec", str(RUN)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"JS unit tests failed:\n{result.stdout}\n{result.stderr}"
    ran = re.search(r"^\S+ tests (\d+)$", result.stdout, re.MULTILINE)
    assert ran and int(ran.group(1)) > 0, f"no JS unit test ran:\n{result.stdout}\n{result.stderr}"
