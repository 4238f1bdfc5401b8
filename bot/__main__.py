"""`python -m bot` is the same entry point as `briefbot`."""

from bot.cli import main

raise SystemExit(main())
