"""`python -m bot` is the same as the `jobpicks` command."""

from bot.cli import main

raise SystemExit(main())
