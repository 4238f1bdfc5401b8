"""The bot in its image against the fake Discord: scripts/container-check runs this.

    container_bot.py NAME IMAGE -- ENGINE... -- RUN-FLAGS...

Starts the fake Discord (gateway + REST) on 127.0.0.1, runs `python -m bot run` in the
container with discord.py pointed at it (as tests/bot/test_e2e_run.py does), asks a question,
runs `briefbot health` and the engine's health check inside the running container, then stops
it (SIGTERM) and reports how long that took. Exit 1 on any failed check.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

from testing.fakediscord import FakeDiscord

# Runs inside the image, which ships the bot but not testing/: so a string, not fakediscord.launch.
LAUNCH = """
import runpy, sys, yarl, discord.gateway, discord.http
discord.http.Route.BASE = sys.argv[1]
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sys.argv[2])
sys.argv = ["bot", "run"]
runpy.run_module("bot", run_name="__main__", alter_sys=True)
"""


def _check(ok: bool, what: str) -> None:
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        raise SystemExit(1)


def _engine(engine: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*engine, *args], capture_output=True, text=True, check=False)


async def _healthy(engine: list[str], name: str, timeout: float = 60) -> str:
    """`briefbot health` in the running container, retried until the first heartbeat."""
    deadline = time.monotonic() + timeout
    while True:
        done = await asyncio.to_thread(_engine, engine, "exec", name, "briefbot", "health")
        if done.returncode == 0 or time.monotonic() > deadline:
            _check(done.returncode == 0, f"briefbot health (exit {done.returncode})")
            return (done.stdout + done.stderr).strip()
        await asyncio.sleep(2)


async def drive(name: str, image: str, engine: list[str], run: list[str]) -> None:
    async with FakeDiscord() as fake:
        command = [
            *engine, *run, "--name", name, "-e", f"DISCORD_TOKEN={fake.token}",
            "--entrypoint", "python", image, "-c", LAUNCH, fake.api_base, fake.gateway_url,
        ]  # fmt: skip
        process = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        try:
            await fake.wait_for_sync(timeout=180)
            await fake.wait_for_ready(timeout=60)
            _check(True, f"logged in and synced {len(fake.last_sync() or [])} commands")
            # The bot logs in before its first index is built (it answers "building…" until
            # then); health turns green once the index is loaded, so ask after that.
            print("     " + (await _healthy(engine, name)).replace("\n", "\n     "))
            record = await fake.invoke("ask", {"question": "How long is the Tumen bridge?"})
            await record.wait_done(timeout=30)
            answer = record.original.text() if record.original else ""
            latency = record.latency if record.latency is not None else float("inf")
            _check(latency < 3, f"/ask acknowledged in {latency * 1000:.0f} ms")
            quoted = next((line for line in answer.splitlines() if "850 meters" in line), "")
            _check(bool(quoted), "/ask answered: " + (quoted or answer).strip()[:100])
            if engine[0] == "podman":
                done = await asyncio.to_thread(_engine, engine, "healthcheck", "run", name)
                _check(done.returncode == 0, "the image's HEALTHCHECK: healthy")
            started = time.monotonic()
            await asyncio.to_thread(_engine, engine, "stop", "-t", "10", name)
            _, err = await asyncio.wait_for(process.communicate(), 30)
            seconds = time.monotonic() - started
            code = process.returncode
            _check(code == 0, f"stopped by SIGTERM in {seconds:.1f} s, exit code {code}")
            _check(b"Traceback" not in err, "no traceback in the bot's log")
            _check(fake.token.encode() not in err, "the token is not in the bot's log")
            fake.assert_clean()
        finally:
            if process.returncode is None:
                await asyncio.to_thread(_engine, engine, "rm", "-f", name)
                process.kill()
                await process.wait()


def main(argv: list[str]) -> None:
    """argv: NAME IMAGE -- ENGINE... -- RUN-FLAGS..."""
    name, image, sep, *rest = argv
    split = rest.index("--")
    if sep != "--" or not rest[:split]:
        raise SystemExit(__doc__)
    asyncio.run(drive(name, image, rest[:split], rest[split + 1 :]))


if __name__ == "__main__":
    main(sys.argv[1:])
