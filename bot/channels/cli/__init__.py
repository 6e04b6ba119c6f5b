"""The `keyhelp` command and its subcommands."""
