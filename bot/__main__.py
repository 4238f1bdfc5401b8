"""`python -m bot` is the same entry point as `briefbot`."""

from bot.terminal.cli import entry

raise SystemExit(entry())
