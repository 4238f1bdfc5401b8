"""The `briefbot` command line: JSON answers, terminal text, the index command and error paths."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT, SEEDS, Run, WriteCorpus

SOURCE_KEYS = {"id", "title", "outlet", "published", "url", "score", "snippet"}
KURSK = (
    "Shoigu also thanked North Korea for its historic military role in retaking Russia's "
    "Kursk region from Ukrainian forces."
)


def run_module(*argv: str, data: Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ARGV` in a subprocess, from the repository root."""
    return run_python("-m", "bot", *argv, data=data)


def run_python(*argv: str, data: Path) -> subprocess.CompletedProcess[str]:
    """Run `python ARGV` in a subprocess, from the repository root, with data as data folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFBOT_")}
    env["BRIEFBOT_DATA_DIR"] = str(data)
    return subprocess.run(
        [sys.executable, *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_sources_json_ranks_003_first(run: Run) -> None:
    """`sources "Kursk region" --json` is one object whose sources start with 003, exactly."""
    code, out, err = run("sources", "Kursk region", "--json", "--corpus", str(SEEDS))
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["kind"] == "sources" and data["query"] == "Kursk region"
    sources: list[dict[str, Any]] = data["sources"]
    assert all(set(s) >= SOURCE_KEYS for s in sources)
    first = sources[0]
    assert {k: first[k] for k in SOURCE_KEYS - {"score"}} == {
        "id": "003_b8d619ddcb3a68c6",
        "title": (
            "North Korea, Russia upgrade transportation links, promote high-level exchanges"
            " as strategic partnership deepens"
        ),
        "outlet": None,
        "published": "2025-05-29",
        "url": None,
        "snippet": KURSK,
    }
    assert first["score"] == pytest.approx(8.155271, abs=1e-6)
    scores = [s["score"] for s in sources]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0


def test_sources_json_without_match_is_empty(run: Run) -> None:
    """A query matching nothing gives `"sources": []`, a notice, and exit code 0."""
    code, out, err = run("sources", "zzqx", "unobtainium", "--json", "--corpus", str(SEEDS))
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["sources"] == []
    assert data["found"] is False
    assert "zzqx unobtainium" in data["notice"]


def test_sources_text(run: Run) -> None:
    """Terminal `sources` names the best document with its date and quotes its best passage."""
    code, out, err = run("sources", "Kursk region", "--corpus", str(SEEDS))
    assert (code, err) == (0, "")
    assert "North Korea, Russia upgrade transportation links" in out
    assert "2025-05-29" in out
    assert KURSK in out


def test_search_quotes_the_best_passage_first(run: Run) -> None:
    """`search` lists passages best first: the Kursk sentence with its anchor leads."""
    code, out, err = run("search", "Kursk", "region", "--corpus", str(SEEDS))
    assert (code, err) == (0, "")
    assert KURSK in out
    assert "003_b8d619ddcb3a68c6#p15.s1" in out
    first_passage = out.index(KURSK)
    assert first_passage < out.index("003_b8d619ddcb3a68c6#p15.s1")


def test_search_json(run: Run) -> None:
    """`search --json` quotes passages verbatim with anchors and offsets, best first."""
    code, out, _ = run("search", "Kursk region", "--json", "--corpus", str(SEEDS))
    assert code == 0
    data = json.loads(out)
    first = data["passages"][0]
    assert (first["text"], first["anchor"]) == (KURSK, "003_b8d619ddcb3a68c6#p15.s1")
    text = (SEEDS / "003_b8d619ddcb3a68c6.txt").read_text("utf-8")
    assert text[first["start"] : first["end"]] == KURSK


def test_format_md_is_the_markdown_export(run: Run, tmp_path: Path) -> None:
    """`--format md` prints the Markdown document: heading, quotes, the sources as references."""
    from answers.summary import answer_summary
    from bot.markdown import render_markdown
    from retrieval.store import open_corpus

    code, out, err = run("summary", "Kursk", "region", "--format", "md", "--corpus", str(SEEDS))
    assert (code, err) == (0, "")
    assert out.startswith("# Summary: Kursk region\n")
    assert "## Sources\n" in out and "- \\[1\\] **" in out
    corpus = open_corpus(SEEDS, tmp_path / "data").corpus
    assert out == render_markdown(answer_summary(corpus, "Kursk region"))


def test_format_json_is_json(run: Run) -> None:
    """`--format json` is the same object as `--json`."""
    _, as_format, _ = run("sources", "Kursk region", "--format", "json", "--corpus", str(SEEDS))
    _, as_flag, _ = run("sources", "Kursk region", "--json", "--corpus", str(SEEDS))
    assert json.loads(as_format) == json.loads(as_flag)


def test_index_lists_skipped_files_with_their_reasons(run: Run, write_corpus: WriteCorpus) -> None:
    """`index --json` names each skipped file and why: an unsupported extension, a corrupt PDF."""
    root = write_corpus(
        {"a.txt": "Ferry fares will rise by five percent in May.\n", "b.csv": "x,y\n",
         "c.pdf": b"%PDF-1.4 broken"}
    )  # fmt: skip
    code, out, _ = run("index", "--json", "--corpus", str(root))
    assert code == 0
    skipped = json.loads(out)["skipped"]
    assert [s["path"] for s in skipped] == ["b.csv", "c.pdf"]
    assert skipped[0]["reason"] == "unsupported extension .csv"
    assert skipped[1]["reason"].startswith("corrupt PDF")


def test_index_builds_then_reuses(run: Run, tmp_path: Path) -> None:
    """`index` builds on first use and reports reuse afterwards, with the seed counts."""
    code, out, err = run("index", "--corpus", str(SEEDS))
    assert (code, err) == (0, "")
    assert out.startswith("built index ")
    assert ": 5 documents, 74 passages, 680 terms (" in out
    assert str(tmp_path / "data" / "index") in out
    code, out, _ = run("index", "--corpus", str(SEEDS))
    assert code == 0 and out.startswith("reused index ")


def test_index_json(run: Run, tmp_path: Path) -> None:
    """`index --json` prints the status object."""
    run("index", "--corpus", str(SEEDS))
    code, out, _ = run("index", "--json", "--corpus", str(SEEDS))
    assert code == 0
    status = json.loads(out)
    assert {k: status[k] for k in ("built", "documents", "passages", "sentences", "terms")} == {
        "built": False,
        "documents": 5,
        "passages": 74,
        "sentences": 101,
        "terms": 680,
    }
    assert status["skipped"] == []
    assert status["folder"] == str(tmp_path / "data" / "index" / status["key"])


def test_corpus_dir_setting_is_the_default(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --corpus, BRIEFBOT_CORPUS_DIR names the corpus."""
    monkeypatch.setenv("BRIEFBOT_CORPUS_DIR", str(SEEDS))
    code, out, _ = run("index", "--json")
    assert code == 0 and json.loads(out)["documents"] == 5


def test_missing_corpus_is_one_line_exit_2(run: Run) -> None:
    """`--corpus /missing` exits 2 with one line on stderr, nothing on stdout, no traceback."""
    code, out, err = run("sources", "Kursk", "--json", "--corpus", "/missing")
    assert (code, out) == (2, "")
    assert err == (
        "briefbot: corpus folder /missing does not exist:"
        " name it with --corpus DIR or BRIEFBOT_CORPUS_DIR\n"
    )


def test_corpus_of_binary_files_is_one_line_exit_2(run: Run, write_corpus: WriteCorpus) -> None:
    """A corpus with no readable file exits 2 with one line naming the skipped files."""
    root = write_corpus({"a.txt": b"\x00\x01\x02", "b.md": b"PK\x03\x04\x00"})
    code, out, err = run("sources", "Kursk", "--corpus", str(root))
    assert (code, out) == (2, "")
    assert err == f"briefbot: no readable document in {root} (skipped: a.txt, b.md)\n"


def test_data_folder_that_is_a_file_is_one_line_exit_2(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A data folder that cannot be created exits 2 with one line."""
    (tmp_path / "blocker").write_text("")
    monkeypatch.setenv("BRIEFBOT_DATA_DIR", str(tmp_path / "blocker"))
    code, out, err = run("index", "--corpus", str(SEEDS))
    assert (code, out) == (2, "")
    assert err.startswith(f"briefbot: cannot use data folder {tmp_path / 'blocker'}: ")
    assert err.count("\n") == 1


def test_invalid_setting_is_one_line_exit_2(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: BRIEFBOT_K1=abc ended in a pydantic traceback and exit code 1."""
    monkeypatch.setenv("BRIEFBOT_K1", "abc")
    code, out, err = run("index", "--corpus", str(SEEDS))
    assert (code, out) == (2, "")
    assert err.startswith("briefbot: invalid setting k1: Input should be a valid number")
    assert err.count("\n") == 1


def test_entry_point_subprocess(tmp_path: Path) -> None:
    """`python -m bot sources "Kursk region" --json` runs the same entry point: 003 first."""
    proc = run_module("sources", "Kursk region", "--json", data=tmp_path / "data")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert json.loads(proc.stdout)["sources"][0]["id"] == "003_b8d619ddcb3a68c6"


def test_unusable_corpus_stderr_is_one_line_in_a_real_run(
    tmp_path: Path, write_corpus: WriteCorpus
) -> None:
    """Regression: each skipped file's warning was printed before the error line."""
    root = write_corpus({"a.txt": b"\x00\x01\x02", "b.md": b"\x00"})
    proc = run_module("sources", "Kursk", "--corpus", str(root), data=tmp_path / "data")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"briefbot: no readable document in {root} (skipped: a.txt, b.md)\n"


def test_skipped_file_warning_is_shown_when_the_rest_loads(
    tmp_path: Path, write_corpus: WriteCorpus
) -> None:
    """When the corpus loads, the warning naming a skipped file still reaches stderr."""
    root = write_corpus({"a.txt": "Shoigu thanked North Korea for Kursk.\n", "b.md": b"\x00"})
    proc = run_module("index", "--corpus", str(root), data=tmp_path / "data")
    assert proc.returncode == 0
    assert proc.stderr == "WARNING retrieval.reader: skipping b.md: binary content, not text\n"


def test_filter_flags_keep_the_answer_to_an_outlet_and_dates(run: Run) -> None:
    """--outlet, --since and --until select the documents; the notice says which filter."""
    code, out, _ = run(
        "sources",
        "Tumen",
        "River",
        "bridge",
        "--outlet",
        "nationpress",
        "--json",
        "--corpus",
        str(SEEDS),
    )
    answer = json.loads(out)
    assert code == 0 and {s["outlet"] for s in answer["sources"]} == {"NationPress"}
    assert answer["notice"].startswith("Filtered: only documents from “nationpress”")
    code, out, _ = run(
        "summary",
        "Tumen River bridge",
        "--since",
        "2025-05-29",
        "--until",
        "2025-05-29",
        "--json",
        "--corpus",
        str(SEEDS),
    )
    answer = json.loads(out)
    assert code == 0 and {s["published"] for s in answer["sources"]} == {"2025-05-29"}
    code, out, err = run(
        "ask", "bridge", "--since", "2025-06-02", "--until", "2025-06-01", "--corpus", str(SEEDS)
    )
    assert (code, out) == (2, "") and "is after until" in err


def test_a_one_shot_answer_imports_neither_numba_nor_discord(tmp_path: Path) -> None:
    """`search` over a built index: numpy scores it; numba, discord.py, the feed and HTML
    parsers (trafilatura, feedparser: about 0.45 s), sqlite3 and the answers `search` does not
    give (briefings, figures) are never imported."""
    assert run_module("index", "--corpus", str(SEEDS), data=tmp_path).returncode == 0
    script = (
        "import sys\n"
        "from bot.terminal.cli import main\n"
        f"assert main(['search', 'Kursk region', '--corpus', {str(SEEDS)!r}]) == 0\n"
        "assert 'numba' not in sys.modules and 'discord' not in sys.modules\n"
        "assert 'trafilatura' not in sys.modules and 'feedparser' not in sys.modules\n"
        "unused = {'sqlite3', 'answers.briefing', 'answers.figures'}\n"
        "assert not unused & set(sys.modules), sorted(unused & set(sys.modules))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFBOT_")}
    env["BRIEFBOT_DATA_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Kursk" in done.stdout


def test_version(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    """`--version` prints the package version and exits 0."""
    with pytest.raises(SystemExit) as done:
        run("--version")
    assert done.value.code == 0
    assert capsys.readouterr().out == "briefbot 0.1.0\n"


@pytest.mark.parametrize(
    ("command", "example"),
    [
        ("summary", 'briefbot summary "Tumen River bridge"'),
        ("cite", 'briefbot cite "the bridge will be 850 meters long"'),
        ("briefing", "briefbot briefing --hours 48"),
        ("index", "briefbot index --corpus ~/documents"),
        ("run", "DISCORD_TOKEN=... briefbot run --corpus ~/documents"),
    ],
)
def test_every_command_s_help_has_an_example(
    run: Run, capsys: pytest.CaptureFixture[str], command: str, example: str
) -> None:
    """Each subcommand's --help ends with an example of it."""
    with pytest.raises(SystemExit):
        run(command, "--help")
    assert capsys.readouterr().out.endswith(f"example:\n  {example}\n")


@pytest.mark.parametrize("hours", ["-5", "0", "nan", "inf", "soon"])
def test_hours_must_be_more_than_zero(
    run: Run, capsys: pytest.CaptureFixture[str], hours: str
) -> None:
    """`briefing --hours -5` (or 0, nan, inf, words) is a usage error, exit 2."""
    with pytest.raises(SystemExit) as done:
        run("briefing", "--hours", hours, "--corpus", str(SEEDS))
    assert done.value.code == 2
    assert "argument --hours: " in capsys.readouterr().err


def test_the_command_leaves_at_once_after_an_answer_with_its_output_whole(tmp_path: Path) -> None:
    """`briefbot ask` as a command prints what `main` prints, byte for byte (flushed into a
    pipe), exits 0, and skips the interpreter's teardown: an atexit handler never runs."""
    assert run_module("index", "--corpus", str(SEEDS), data=tmp_path).returncode == 0
    argv = ["ask", "Kursk region", "--json", "--corpus", str(SEEDS)]
    script = (
        "import atexit, sys\n"
        "from bot.terminal import cli\n"
        "atexit.register(lambda: print('TORN DOWN', file=sys.stderr))\n"
        f"sys.argv[1:] = {argv!r}\n"
        "raise SystemExit(cli.{call}())\n"
    )
    entry = run_python("-c", script.format(call="entry"), data=tmp_path)
    plain = run_python("-c", script.format(call="main"), data=tmp_path)
    assert (plain.returncode, plain.stderr) == (0, "TORN DOWN\n")
    assert (entry.returncode, entry.stderr) == (0, "")
    assert entry.stdout == plain.stdout and json.loads(entry.stdout)["kind"] == "ask"
