"""`python -m bot …` is the same as `keyhelp …`."""

from bot.channels.cli.main import run

run()
