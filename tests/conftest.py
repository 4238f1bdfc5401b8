"""Shared fixtures: the seed corpus, opened once, and tiny corpora in a temporary folder."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.terminal.cli import main
from retrieval.corpus import Corpus
from retrieval.store import open_corpus
from tests import pgserver
from tests.helpers import SEEDS, MakeCorpus, Run, WriteCorpus


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The five seed articles."""
    return SEEDS


@pytest.fixture(scope="session")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """The five seed articles, indexed once for the session through the persisted store."""
    return open_corpus(SEEDS, tmp_path_factory.mktemp("data")).corpus


@pytest.fixture
def make_corpus(tmp_path: Path) -> MakeCorpus:
    """Write {file name: text} into a fresh folder and open it as a corpus."""

    def _make(files: dict[str, str]) -> Corpus:
        root = tmp_path / "corpus"
        root.mkdir(exist_ok=True)
        for name, text in files.items():
            (root / name).write_text(text, encoding="utf-8")
        return open_corpus(root, tmp_path / "data").corpus

    return _make


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


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run main(argv) in-process with a fresh data folder; return (exit code, stdout, stderr)."""
    for name in list(os.environ):
        if name.startswith("BRIEFBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("BRIEFBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)  # no .env from the working tree

    def _run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the end-to-end tier: every test_e2e_*.py, and any other test that starts the fake
    Discord (takes the `fake` fixture), so a new one joins it untouched."""
    for item in items:
        uses_fake = "fake" in getattr(item, "fixturenames", ())
        if item.path.name.startswith("test_e2e_") or uses_fake:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[pgserver.PostgresServer]:
    """A real PostgreSQL server for the session; in CI (CI=true) failing to start fails the test."""
    # Not under pytest's tmp dir: that is private to root, and the server runs as postgres.
    root = Path(tempfile.mkdtemp(prefix="briefbot-pg-"))
    try:
        server = pgserver.start(root)
    except pgserver.Unavailable as exc:
        shutil.rmtree(root, ignore_errors=True)
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        pytest.skip(f"no PostgreSQL server: {exc}")
    yield server
    pgserver.stop(server)
    shutil.rmtree(root, ignore_errors=True)
