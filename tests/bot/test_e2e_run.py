"""`briefbot run` / `python -m bot run`: start-up, clean stop, refused tokens, no token in logs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import sys
import time
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.runner import run
from bot.settings import Settings
from testing.fakediscord import FakeDiscord
from tests.helpers import bot_environment

REJECTED = "briefbot: Discord rejected the token in DISCORD_TOKEN"


def _with_token(settings: Settings, token: str, **more: Any) -> Settings:
    return settings.model_copy(update={"discord_token": SecretStr(token), **more})


def test_missing_token_is_one_line_and_exit_2(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """No DISCORD_TOKEN: one line on stderr, nothing else, exit code 2."""
    assert run(settings) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "briefbot: DISCORD_TOKEN is not set; put the bot token in the environment or .env"
    ]


async def test_rejected_token_is_one_line_and_exit_1(
    fake: FakeDiscord,
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Discord answers 401 to the token: exit 1, one line saying so and no traceback among
    the INFO log lines; the token is not echoed even at DEBUG."""
    wrong = "wrong.token.value-that-must-not-leak"
    assert await asyncio.to_thread(run, _with_token(settings, wrong)) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == REJECTED and err.count("briefbot:") == 1
    assert "Traceback" not in err and "[ERROR" not in err and "[WARNING" not in err
    assert await asyncio.to_thread(run, _with_token(settings, wrong, log_level="DEBUG")) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and wrong not in err and wrong not in caplog.text
    assert [r.path for r in fake.requests] == ["/users/@me", "/users/@me"]


async def test_a_whole_run_never_logs_the_token(
    fake: FakeDiscord,
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """run() at DEBUG: logs in, answers a command and a mention; when Discord later revokes
    the token (close 4004) it stops with exit 1 and one line. The token is in no log record
    and nowhere on stderr."""
    runner = asyncio.create_task(
        asyncio.to_thread(run, _with_token(settings, fake.token, log_level="DEBUG"))
    )
    try:
        await fake.wait_for_sync(timeout=20)
        await fake.wait_for_ready(timeout=20)
        record = await fake.invoke("sources", {"topic": "Tumen River bridge"})
        await record.wait_done()
        assert record.latency is not None and record.latency < 3
        await fake.send_message("general", f"{fake.mention()} bridge length?", author="carol")
        reply = await fake.wait_for_message(
            "general", lambda m: bool(m.message_reference), timeout=10
        )
    finally:  # also ends the run (in its thread) when an assertion above failed
        fake.revoke_token()
        if fake.gateway.live():
            await fake.drop_connection(4004)
        code = await asyncio.wait_for(runner, 20)
    assert code == 1
    err = capsys.readouterr().err
    assert reply.embeds and err.splitlines()[-1] == REJECTED
    assert "Traceback" not in err
    assert any(r.levelname == "DEBUG" and r.name.startswith("discord") for r in caplog.records)
    for text in (err, caplog.text, *(str(r.args) for r in caplog.records)):
        assert fake.token not in text
    # discord.py logs interaction payloads and webhook URLs at DEBUG: their tokens are redacted
    assert record.token not in err and "[redacted]" in err
    fake.assert_clean()


@contextlib.asynccontextmanager
async def _running_bot(
    fake: FakeDiscord, settings: Settings, tmp_path: Path, **env: str
) -> AsyncIterator[Any]:
    """`python -m bot run` in a subprocess, against the fake, with the fake's token; killed
    on the way out if it is still running (when an assertion failed)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "testing.fakediscord.launch",
        fake.api_base,
        fake.gateway_url,
        cwd=tmp_path,
        env=bot_environment(settings, DISCORD_TOKEN=fake.token, **env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_python_m_bot_run_serves_and_stops_on_sigterm(
    fake: FakeDiscord, settings: Settings, tmp_path: Path
) -> None:
    """The real entry point in a subprocess: logs in, syncs, answers within 3 s, and exits 0
    on SIGTERM (docker stop) without a traceback or the token on stderr."""
    async with _running_bot(fake, settings, tmp_path) as process:
        await fake.wait_for_sync(timeout=30)
        await fake.wait_for_ready(timeout=30)
        record = await fake.invoke("ask", {"question": "How long is the Tumen bridge?"})
        await record.wait_done(timeout=10)
        assert record.latency is not None and record.latency < 3
        assert record.original is not None and "850 meters" in record.original.text()
        process.send_signal(signal.SIGTERM)
        _, raw = await asyncio.wait_for(process.communicate(), 30)
    err = raw.decode()
    assert process.returncode == 0, err
    assert "Traceback" not in err and fake.token not in err
    synced = next(line for line in err.splitlines() if "synced 10 commands" in line)
    assert "INFO" in synced and "bot.client" in synced  # discord.py's format, not bare text
    assert sorted(c["name"] for c in fake.last_sync() or []) == sorted(
        [
            "ask",
            "briefing",
            "cite",
            "corpus",
            "feeds",
            "figures",
            "help",
            "sources",
            "summary",
            "timeline",
        ]
    )
    fake.assert_clean()


async def test_python_m_bot_run_without_token(settings: Settings, tmp_path: Path) -> None:
    """`python -m bot run` with no token: exit 2 and one line."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=bot_environment(settings),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert out == b"" and len(err.decode().splitlines()) == 1


def _write_big_corpus(folder: Path, files: int = 1500) -> None:
    """Generated articles (20 paragraphs of 60 words each): many seconds of index building."""
    rng = random.Random(9)
    words = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(3, 9))) for _ in range(4000)
    ]
    folder.mkdir(parents=True)
    for number in range(files):
        paragraphs = [
            " ".join(" ".join(rng.choices(words, k=12)).capitalize() + "." for _ in range(5))
            for _ in range(20)
        ]
        (folder / f"g{number:04d}.txt").write_text("\n\n".join(paragraphs) + "\n")


def _logged_at(err: str, message: str) -> datetime:
    """When the bot logged `message` (its JSON log lines carry milliseconds)."""
    for line in err.splitlines():
        with contextlib.suppress(ValueError):
            record = json.loads(line)
            if record.get("message") == message:
                return datetime.strptime(record["time"], "%Y-%m-%d %H:%M:%S,%f")
    pytest.fail(f"no log line {message!r} in:\n{err[-2000:]}")


async def _sigterm_stops_the_build(process: Any) -> str:
    """SIGTERM the bot; assert the build stopped within 1 s and the process exited 0 within
    3 s (5 s on a loaded machine: see below); its stderr.

    The process is waited for up to 20 s (then killed), so a slow stop fails with its log.
    """
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        _, raw = await asyncio.wait_for(process.communicate(), 20)
    except TimeoutError:
        process.kill()
        _, raw = await process.communicate()
        pytest.fail(f"still running 20 s after SIGTERM:\n{raw.decode()[-2000:]}")
    seconds = time.monotonic() - started
    err: str = raw.decode()
    assert process.returncode == 0, err[-2000:]
    assert "Traceback" not in err
    stopping = _logged_at(err, "received SIGTERM, stopping")
    stopped = _logged_at(err, "index build stopped: the bot is stopping")
    assert (stopped - stopping).total_seconds() < 1
    # The rest is the interpreter's own exit (about 0.5 s of CPU), which stretched to 2.6 s
    # at a load of 15 on two cores; unloaded the whole stop takes well under 3 s.
    limit = 3 if os.getloadavg()[0] < (os.cpu_count() or 1) else 5
    assert seconds < limit, f"stopped in {seconds:.1f} s"
    return err


async def test_sigterm_during_a_rebuild_stops_within_3_seconds(
    fake: FakeDiscord, settings: Settings, tmp_path: Path, seeds_dir: Path
) -> None:
    """Regression: SIGTERM while /corpus reload rebuilt the index waited for the build to end
    (10.5 s, past Docker's 10-second grace). The build is stopped: exit 0 within 3 s."""
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_dir, corpus)  # same files as the prebuilt index: the start reuses it
    own = settings.model_copy(update={"corpus_dir": corpus})
    async with _running_bot(fake, own, tmp_path, BRIEFBOT_LOG_FORMAT="json") as process:
        await fake.wait_for_ready(timeout=30)
        _write_big_corpus(corpus / "generated")
        reload = await fake.invoke("corpus reload", user="alice")
        await reload.wait_first_response(timeout=3)
        await asyncio.sleep(1.5)  # well into the rebuild (many seconds of work)
        err = await _sigterm_stops_the_build(process)
    assert "indexed " not in err  # stopped, not finished


async def test_sigterm_during_the_first_build_stops_within_3_seconds(
    fake: FakeDiscord, settings: Settings, tmp_path: Path
) -> None:
    """SIGTERM while the bot builds its first index, before it connects: exit 0 within 3 s."""
    corpus = tmp_path / "corpus"
    _write_big_corpus(corpus)
    big = settings.model_copy(update={"corpus_dir": corpus})
    async with _running_bot(fake, big, tmp_path, BRIEFBOT_LOG_FORMAT="json") as process:
        await fake.wait_for(
            lambda: any(r.path.endswith("/users/@me") for r in fake.requests), 30, "login"
        )
        await asyncio.sleep(1.5)  # logged in, building the index in setup_hook
        await _sigterm_stops_the_build(process)
    assert not fake.last_sync()


async def test_a_named_pipe_in_the_corpus_blocks_neither_start_nor_reload(
    fake: FakeDiscord, settings: Settings, tmp_path: Path, seeds_dir: Path
) -> None:
    """Regression: a FIFO `pipe.txt` in the corpus kept the bot from ever logging in, and
    /corpus reload from ever answering. Now it is skipped, named in a warning."""
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_dir, corpus)
    os.mkfifo(corpus / "pipe.txt")
    own = settings.model_copy(update={"corpus_dir": corpus})
    async with _running_bot(fake, own, tmp_path) as process:
        await fake.wait_for_sync(timeout=30)
        await fake.wait_for_ready(timeout=30)
        reload = await fake.invoke("corpus reload", user="alice")
        await reload.wait_done(timeout=10)
        assert reload.original is not None
        assert reload.original.content.startswith("Unchanged: 5 documents")
        process.send_signal(signal.SIGTERM)
        _, raw = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0
    assert "skipping pipe.txt: not a regular file" in raw.decode()


async def test_a_corpus_that_cannot_be_opened_stops_the_bot_with_one_line(
    fake: FakeDiscord, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Connecting does not wait for the corpus, but a folder that is missing altogether still
    stops the bot: exit 2 and one line saying how to name the folder, no traceback."""
    missing = tmp_path / "missing"
    broken = _with_token(settings, fake.token, corpus_dir=missing, index_wait_seconds=0.0)
    code = await asyncio.wait_for(asyncio.to_thread(run, broken), 30)
    assert code == 2, capsys.readouterr().err
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == (
        f"briefbot: corpus folder {missing} does not exist:"
        " name it with --corpus DIR or BRIEFBOT_CORPUS_DIR"
    )
    assert "Traceback" not in err
