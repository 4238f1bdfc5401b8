"""`python -m bot` is the same entry point as `briefbot`."""

from bot.terminal.cli import main

raise SystemExit(main())
