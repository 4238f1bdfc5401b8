"""bot.runner's logging: interaction tokens are redacted from every line."""

from __future__ import annotations

import logging

import pytest

from bot.runner import RedactTokens

SECRET = "aW50ZXJhY3Rpb246c2VjcmV0LXRva2Vu_x-1.2"


@pytest.mark.parametrize(
    ("message", "args"),
    [
        ("For Shard ID %s: WebSocket Event: %s", (None, {"d": {"id": "1", "token": SECRET}})),
        ("payload %s", ('{"type": 2, "token": "' + SECRET + '"}',)),
        ("POST %s", (f"http://x/api/v10/interactions/123/{SECRET}/callback",)),
        ("Webhook %s", (f"http://x/api/v10/webhooks/456/{SECRET}/messages/@original",)),
    ],
)
def test_tokens_are_redacted(message: str, args: tuple[object, ...]) -> None:
    """Dict reprs, JSON and webhook/callback URLs: the token is replaced, the rest is kept."""
    record = logging.LogRecord("discord.gateway", logging.DEBUG, __file__, 1, message, args, None)
    assert RedactTokens().filter(record)
    text = record.getMessage()
    assert SECRET not in text and "[redacted]" in text
    assert text.split(" ")[0] == message.split(" ")[0]


def test_lines_without_tokens_are_left_alone() -> None:
    """A line with nothing to redact keeps its format and arguments."""
    record = logging.LogRecord("bot", logging.INFO, __file__, 1, "synced %d commands", (9,), None)
    assert RedactTokens().filter(record) and record.args == (9,)
