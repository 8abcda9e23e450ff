"""The package as others receive it, checked cheaply on every test run: the wheel and sdist built
in-process by hatchling (the build backend) hold what ``scripts/check_dist.py`` requires. ``make
dist`` does the full check: a real build, then an install into a clean venv."""

from __future__ import annotations

import sys
from pathlib import Path

from hatchling.builders.sdist import SdistBuilder
from hatchling.builders.wheel import WheelBuilder

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import check_dist  # noqa: E402


def test_the_wheel_and_sdist_hold_the_runtime_schemas_bundle_sources_and_licence(tmp_path):
    (wheel,) = WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])
    (sdist,) = SdistBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])
    assert check_dist.check_wheel(Path(wheel)) == []
    assert check_dist.check_sdist(Path(sdist)) == []
