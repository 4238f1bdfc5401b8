"""Shared fixtures: the seed corpus and tiny corpora written into a temporary folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

WriteCorpus = Callable[[dict[str, str | bytes]], Path]


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The five seed articles."""
    return SEEDS


@pytest.fixture
def write_corpus(tmp_path: Path) -> WriteCorpus:
    """Write {relative path: text or bytes} under tmp_path/corpus and return that folder."""

    def _write(files: dict[str, str | bytes]) -> Path:
        root = tmp_path / "corpus"
        root.mkdir(exist_ok=True)
        for relpath, content in files.items():
            path = root / relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return _write
