"""The image's build stage copies every package the wheel is built from."""

from __future__ import annotations

import re
import tomllib

from tests.helpers import ROOT


def test_build_stage_copies_every_packaged_layer() -> None:
    """Regression: feeds/ joined the wheel, not the Dockerfile: the image could not import it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = {p.rstrip("*") for p in config["tool"]["setuptools"]["packages"]["find"]["include"]}
    build_stage = (ROOT / "Dockerfile").read_text(encoding="utf-8").split("\nFROM ")[1]
    copied = set(re.findall(r"^COPY (\w+) \./\1$", build_stage, re.MULTILINE))
    assert packages <= copied, f"not copied into the build stage: {sorted(packages - copied)}"
