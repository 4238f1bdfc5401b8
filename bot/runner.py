"""`briefbot run`: logging configured once, the client started, start-up failures in one line."""

from __future__ import annotations

import asyncio
import json
import logging
import sys

import discord

from bot.settings import Settings
from retrieval.reader import CorpusError

log = logging.getLogger(__name__)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def configure_logging(settings: Settings) -> None:
    """Logging is configured here and nowhere else."""
    handler = logging.StreamHandler(sys.stderr)
    formatter = JsonFormatter() if settings.log_format == "json" else None
    discord.utils.setup_logging(
        handler=handler,
        formatter=formatter,
        level=logging.getLevelName(settings.log_level.upper()),
        root=True,
    )
    logging.getLogger("discord.http").setLevel(logging.WARNING)
    logging.getLogger("discord.gateway").setLevel(logging.WARNING)


async def _serve(settings: Settings, token: str) -> None:
    from bot.client import BriefBot

    async with BriefBot(settings) as bot:
        await bot.start(token)


def run(settings: Settings) -> int:
    """Run the bot until stopped; exit codes: 0 stopped, 1 Discord refused, 2 bad set-up."""
    if settings.discord_token is None or not settings.discord_token.get_secret_value().strip():
        print(
            "briefbot: DISCORD_TOKEN is not set; put the bot token in the environment or .env",
            file=sys.stderr,
        )
        return 2
    configure_logging(settings)
    try:
        asyncio.run(_serve(settings, settings.discord_token.get_secret_value().strip()))
    except discord.LoginFailure:
        print("briefbot: Discord rejected the token in DISCORD_TOKEN", file=sys.stderr)
        return 1
    except discord.PrivilegedIntentsRequired:
        print("briefbot: Discord refused an intent the bot asked for", file=sys.stderr)
        return 1
    except CorpusError as err:
        print(f"briefbot: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return 0
