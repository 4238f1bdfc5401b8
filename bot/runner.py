"""`briefbot run`: logging configured once, the client started, start-up failures in one line."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import signal
import sys

import aiohttp
import discord

from bot.settings import Settings
from bot.state import StateError
from bot.terminal.console import corpus_hint
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


class RedactTokens(logging.Filter):
    """Blank out interaction tokens: discord.py logs payloads and webhook URLs at DEBUG."""

    _PATTERNS = (
        # "token": "..." in a payload, as JSON or as a Python dict's repr
        (re.compile(r"""(["']token["']\s*:\s*["'])[^"']+"""), r"\1[redacted]"),
        # interaction callbacks and follow-ups carry the token in the URL path
        (re.compile(r"(/(?:webhooks|interactions)/\d+/)[\w.-]+"), r"\1[redacted]"),
    )

    def filter(self, record: logging.LogRecord) -> bool:
        message = original = record.getMessage()
        for pattern, replacement in self._PATTERNS:
            message = pattern.sub(replacement, message)
        if message != original:
            record.msg, record.args = message, None
        return True


def configure_logging(settings: Settings) -> None:
    """Logging is configured here and nowhere else."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactTokens())  # on the handler: it sees every logger's records
    # discord.py's own text format (time, level, logger) unless JSON is asked for; passing
    # formatter=None would leave bare messages.
    json_format = {"formatter": JsonFormatter()} if settings.log_format == "json" else {}
    level = logging.getLevelNamesMapping().get(settings.log_level.upper(), logging.INFO)
    discord.utils.setup_logging(handler=handler, level=level, root=True, **json_format)
    if level > logging.DEBUG:  # every request and gateway event only when asked for DEBUG
        logging.getLogger("discord.http").setLevel(logging.WARNING)
        logging.getLogger("discord.gateway").setLevel(logging.WARNING)


async def _serve(settings: Settings, token: str) -> None:
    from bot.client import BriefBot

    async with BriefBot(settings) as bot:
        _close_on_signals(bot)
        try:
            await bot.start(token)
        except Exception:
            # Closed by a corpus that cannot be opened, mid-login: what stopped it is the corpus
            # ("Connector is closed" is only how the login noticed).
            if bot.fatal is None:
                raise
    if bot.fatal is not None:  # the first index could not be opened after connecting
        raise bot.fatal


def _close_on_signals(bot: discord.Client) -> None:
    """SIGTERM (docker stop) and SIGINT close the connection cleanly, so `run` returns 0."""
    loop = asyncio.get_running_loop()
    closing: set[asyncio.Task[None]] = set()

    def close(number: signal.Signals) -> None:
        log.info("received %s, stopping", number.name)
        task = loop.create_task(bot.close())
        closing.add(task)
        task.add_done_callback(closing.discard)

    for number in (signal.SIGTERM, signal.SIGINT):
        # Not on Windows, and not outside the main thread (tests run the bot in a thread).
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(number, close, number)


def _fail(message: str, code: int) -> int:
    print(f"briefbot: {message}", file=sys.stderr)
    return code


def run(settings: Settings) -> int:
    """Run the bot until stopped; exit codes: 0 stopped, 1 Discord refused, 2 bad set-up."""
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if not token:
        return _fail("DISCORD_TOKEN is not set; put the bot token in the environment or .env", 2)
    configure_logging(settings)
    try:
        asyncio.run(_serve(settings, token))
    except discord.LoginFailure:
        return _fail("Discord rejected the token in DISCORD_TOKEN", 1)
    except discord.PrivilegedIntentsRequired:
        return _fail("Discord refused an intent the bot asked for", 1)
    except discord.ConnectionClosed as err:
        if err.code == 4004:  # the token was revoked while the bot was running
            return _fail("Discord rejected the token in DISCORD_TOKEN", 1)
        return _fail(f"Discord closed the connection (code {err.code}: {err.reason})", 1)
    except (aiohttp.ClientError, discord.GatewayNotFound) as err:
        return _fail(f"cannot reach Discord: {err}", 1)
    except CorpusError as err:
        return _fail(corpus_hint(str(err)), 2)
    except StateError as err:
        return _fail(str(err), 2)
    except OSError as err:
        return _fail(f"cannot use data folder {settings.data_dir}: {err.strerror or err}", 2)
    except (KeyboardInterrupt, asyncio.CancelledError):  # stopped while building the first index
        return 0
    return 0
