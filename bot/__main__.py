"""`python -m bot …` is the same as `keyhelp …`."""

from bot.cli import run

run()
