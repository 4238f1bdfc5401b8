"""The bot for bench_discord, in its own process: discord.py pointed at the fake, a lag probe on
its event loop, and every slow loop callback timed; the samples are written as JSON on SIGTERM.

    python -m benchmarks.probed_bot API_BASE GATEWAY_URL OUT.json   (settings from BRIEFBOT_*)
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from bot.client import BriefBot
from bot.settings import Settings
from testing.fakediscord.launch import point_discord_at

# Callbacks that held the loop longer than this are recorded.
SLOW_STEP = 0.005
PROBE_SLEEP = 0.01


def time_loop_steps(steps: list[tuple[float, float]]) -> None:
    """Record (wall time it ended, seconds it held the loop) for every slow loop callback."""
    run_step = asyncio.events.Handle._run

    def timed_step(handle: asyncio.Handle) -> None:
        started = time.perf_counter()
        run_step(handle)
        took = time.perf_counter() - started
        if took > SLOW_STEP:
            steps.append((time.time(), took))

    asyncio.events.Handle._run = timed_step  # type: ignore[method-assign,assignment]


async def probe(stop: asyncio.Event, lags: list[tuple[float, float]]) -> None:
    """Sleep 10 ms at a time and record how late each wake-up is: the loop's lag."""
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        started = loop.time()
        await asyncio.sleep(PROBE_SLEEP)
        lags.append((time.time(), max(0.0, loop.time() - started - PROBE_SLEEP)))


async def serve(out: Path) -> None:
    """Run the bot with the probe until SIGTERM, then write the samples to `out`."""
    steps: list[tuple[float, float]] = []
    lags: list[tuple[float, float]] = []
    time_loop_steps(steps)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    page_timeout = float(os.environ["BENCH_PAGE_TIMEOUT"])
    settings = Settings()
    async with BriefBot(settings, guild_ready_timeout=0.05, page_timeout=page_timeout) as bot:
        running = asyncio.create_task(bot.start(os.environ["DISCORD_TOKEN"]))
        probing = asyncio.create_task(probe(stop, lags))
        await stop.wait()
        await bot.close()
        await running
        await probing
    measured: dict[str, Any] = {"lags": lags, "steps": steps}
    out.write_text(json.dumps(measured))


if __name__ == "__main__":
    api_base, gateway_url, out = sys.argv[1:4]
    point_discord_at(api_base, gateway_url)
    asyncio.run(serve(Path(out)))
