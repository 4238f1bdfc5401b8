"""Point discord.py at a running fake, or run `python -m bot` pointed at it, in another process.

python -m testing.fakediscord.launch API_BASE GATEWAY_URL [bot arguments, default: run]
"""

from __future__ import annotations

import runpy
import sys

import discord.gateway
import discord.http
import yarl


def point_discord_at(api_base: str, gateway_url: str) -> None:
    """Send discord.py's REST calls and gateway connection to the fake instead of Discord."""
    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def main(argv: list[str]) -> None:
    """Run the bot's real entry point (`python -m bot ARGS`) against the fake."""
    api_base, gateway_url, *bot_args = argv
    point_discord_at(api_base, gateway_url)
    sys.argv = ["bot", *(bot_args or ["run"])]
    runpy.run_module("bot", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
