"""The `keyhelp` command. Subcommands load lazily so each imports only what it needs.

Example::

    keyhelp rules check
    keyhelp classify "このプロダクト キーは有効ではありません"
"""

from __future__ import annotations

import importlib

import click

# name -> "module:attribute"; a subcommand's module is imported only when it runs.
SUBCOMMANDS = {
    "rules": "bot.cli_rules:rules",
    "classify": "bot.cli_classify:classify",
    "chat": "bot.cli_chat:chat",
    "diagnose": "bot.cli_chat:diagnose",
    "slack": "bot.cli_slack:slack",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as err:
            if err.name != module_name:
                raise
            return None  # not built yet in this checkout
        return getattr(module, attribute)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="keyhelp")
def main() -> None:
    """keyhelp: troubleshoot Microsoft product-key redemption errors (Intune, EMS)."""
