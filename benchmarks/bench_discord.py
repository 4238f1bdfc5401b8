"""The bot under load through the fake Discord: time to first response and event-loop lag.

    python -m benchmarks.bench_discord [--commands 200] [--users 100] [--spread 2]
                                       [--soak ROUNDS]

The real BriefBot (over seeds/, in a temporary data folder) runs in its own process, as in
production (benchmarks/probed_bot.py), with a probe on its event loop that sleeps 10 ms at a
time and records how late it wakes up (the loop's lag: time blocked plus time queued behind
other ready callbacks), and every loop callback timed (the longest is the loop's longest block).
The fake Discord runs in this process (so its own work neither competes for the bot's GIL nor
counts as the bot's). Slash commands from many users are sent over `--spread` seconds, then all
at once; for each, the fake times INTERACTION_CREATE written to the socket -> the bot's first
callback (Discord's 3-second deadline) and -> the answer posted. With --soak, more rounds of
commands follow and the bot's resident memory is printed after each.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from testing.fakediscord import (
    FakeDiscord,
    InteractionRecord,
    MemberSpec,
    UserSpec,
    default_guild,
    default_users,
)

ROOT = Path(__file__).resolve().parent.parent

COMMANDS: list[tuple[str, dict[str, Any]]] = [
    ("summary", {"topic": "Tumen River bridge"}),
    ("figures", {"topic": "Tumen River bridge"}),
    ("sources", {"topic": "North Korea Russia"}),
    ("cite", {"claim": "the road bridge will be 850 meters long"}),
    ("ask", {"question": "How long is the Tumen bridge?"}),
    ("briefing now", {}),
]


async def send_all(
    fake: FakeDiscord, users: list[UserSpec], count: int, spread: float
) -> list[InteractionRecord]:
    """Send `count` commands from the users over `spread` seconds; wait for every answer."""

    async def one(n: int) -> InteractionRecord:
        await asyncio.sleep(spread * n / count)
        command, options = COMMANDS[n % len(COMMANDS)]
        record = await fake.invoke(command, options, user=users[n % len(users)])
        await record.wait_done(timeout=60)
        return record

    return list(await asyncio.gather(*(one(n) for n in range(count))))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def row(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"| {name:<32} | {percentile(ms, 0.5):>8.1f} | {percentile(ms, 0.95):>8.1f} | "
        f"{percentile(ms, 0.99):>8.1f} | {max(ms):>8.1f} |"
    )


def answered_after(fake: FakeDiscord, record: InteractionRecord) -> float:
    """Seconds from the interaction to the last request the bot made with its token."""
    times = [r.at for r in fake.requests if record.token in r.path]
    return max(times) - (record.sent_at or 0.0)


class Scenario:
    """One burst of commands, timed by the fake, with the bot's loop lag over the same span."""

    def __init__(self, label: str, count: int, spread: float) -> None:
        self.label, self.count, self.spread = label, count, spread
        self.records: list[InteractionRecord] = []
        self.span = (0.0, 0.0)
        self.seconds = 0.0

    async def run(self, fake: FakeDiscord, users: list[UserSpec]) -> None:
        started, clock = time.time(), time.perf_counter()
        self.records = await send_all(fake, users, self.count, self.spread)
        self.seconds = time.perf_counter() - clock
        self.span = (started, time.time())

    def during(self, samples: list[tuple[float, float]]) -> list[float]:
        return [value for at, value in samples if self.span[0] <= at <= self.span[1] + 0.05]

    def table(self, fake: FakeDiscord, bot: dict[str, Any], users: int) -> list[str]:
        first = [r.latency for r in self.records if r.latency is not None]
        done = [answered_after(fake, r) for r in self.records]
        late = sum(1 for v in first if v >= 3)
        steps = self.during(bot["steps"]) or [0.0]
        return [
            f"**{self.label}** ({users} users; all answered in {self.seconds:.1f} s; "
            f"{late} of {len(first)} first responses later than 3 s)",
            "",
            f"| {'measure':<32} | {'p50 ms':>8} | {'p95 ms':>8} | {'p99 ms':>8} | {'max ms':>8} |",
            f"|{'-' * 34}|{'-' * 10}|{'-' * 10}|{'-' * 10}|{'-' * 10}|",
            row("interaction -> first response", first),
            row("interaction -> answer posted", done),
            row("bot event-loop lag (10 ms probe)", self.during(bot["lags"])),
            f"| {'longest single loop callback':<32} | {'':>8} | {'':>8} | {'':>8} | "
            f"{max(steps) * 1000:>8.1f} |",
            "",
        ]


def resident_mb(pid: int) -> float:
    """The process's resident memory (Linux /proc), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def soak_rounds(
    fake: FakeDiscord, users: list[UserSpec], pid: int, rounds: int, per_round: int
) -> list[str]:
    """Memory over `rounds` rounds of `per_round` commands: flat, or growing per command?"""
    if rounds <= 0:
        return []
    lines = [
        f"**Soak: {rounds} rounds of {per_round} commands** (bot resident memory)",
        "",
        "| round | commands so far | RSS MB |",
        "|------:|----------------:|-------:|",
        f"| 0 | 0 | {resident_mb(pid):.1f} |",
    ]
    for number in range(1, rounds + 1):
        await send_all(fake, users, per_round, 0.5)
        lines.append(f"| {number} | {number * per_round} | {resident_mb(pid):.1f} |")
    return [*lines, ""]


async def main(args: argparse.Namespace) -> None:
    users = [UserSpec(f"user{n}") for n in range(args.users)]
    guild = default_guild()
    guild.members += [MemberSpec(u.name) for u in users]
    scenarios = [
        Scenario(f"{args.commands} commands over {args.spread:g} s", args.commands, args.spread),
        Scenario(f"{args.commands} commands at once", args.commands, 0.0),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        lag_file = Path(tmp) / "lags.json"
        data = args.data or Path(tmp) / "data"
        async with FakeDiscord(users=default_users() + users, guilds=[guild]) as fake:
            env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFBOT_")}
            env.update(
                PYTHONPATH=str(ROOT),
                DISCORD_TOKEN=fake.token,
                BRIEFBOT_CORPUS_DIR=str(args.corpus.resolve()),
                BRIEFBOT_DATA_DIR=str(data.resolve()),
                BRIEFBOT_QUESTION_BURST="0",  # no token buckets: measure the answer path
                BRIEFBOT_SERVER_BURST="0",
                BRIEFBOT_LOG_LEVEL="WARNING",
                BENCH_PAGE_TIMEOUT=str(args.page_timeout),
            )
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "benchmarks.probed_bot",
                fake.api_base, fake.gateway_url, str(lag_file), cwd=tmp, env=env,
            )  # fmt: skip
            try:
                await fake.wait_for_sync(timeout=args.start_timeout)
                await fake.wait_for_ready(timeout=args.start_timeout)
                await send_all(fake, users, 2 * len(COMMANDS), 0)  # warm-up: JIT, caches
                for scenario in scenarios:
                    await scenario.run(fake, users)
                    await asyncio.sleep(0.5)
                soak = await soak_rounds(fake, users, process.pid, args.soak, args.commands)
            finally:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), 30)
            measured = json.loads(lag_file.read_text())
            lines = [
                f"bench_discord: BriefBot over {args.corpus} in its own process, Python "
                f"{sys.version.split()[0]}, {os.cpu_count()} CPUs",
                "",
            ]
            for scenario in scenarios:
                lines += scenario.table(fake, measured, args.users)
            lines += soak
    print("\n".join(lines))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spread", type=float, default=2.0, help="seconds to send them over")
    parser.add_argument("--soak", type=int, default=0, help="rounds of memory soak (0: none)")
    parser.add_argument("--corpus", type=Path, default=ROOT / "seeds", help="corpus folder")
    parser.add_argument(
        "--data", type=Path, help="data folder to reuse (an index built once; default: temporary)"
    )
    parser.add_argument(
        "--start-timeout", type=float, default=60.0, help="seconds to wait for the bot to start"
    )
    parser.add_argument(
        "--page-timeout", type=float, default=300.0, help="seconds page buttons live (default 300)"
    )
    asyncio.run(main(parser.parse_args()))
