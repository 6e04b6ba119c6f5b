"""`keyhelp rules init` and `keyhelp rules path`: a copy of the rules to edit; the file in use.

After `pip install .` the shipped rules sit inside the installed package, so editing the
checkout's `rules/product-key.yaml` changes nothing. `init` copies the shipped rules to the
user file (``~/.config/keyhelp/rules.yaml``), which keyhelp then reads; `path` says which file
is in effect and why (``--rules`` > ``KEYHELP_RULES`` > user file > shipped).

Example::

    keyhelp rules init && $EDITOR "$(keyhelp rules path)" && keyhelp rules check
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from bot.channels.cli.main import CliError, add_rules_option, file_path
from bot.paths import (
    FROM_ENV,
    FROM_OPTION,
    SHIPPED,
    resolve_rules,
    shipped_rules_path,
    user_rules_path,
)

EDIT_HINT = "To edit the rules, run `keyhelp rules init` and edit the copy it makes."


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register `init` and `path` on the `keyhelp rules` parser."""
    summary = ("Copy the shipped rules to PATH (default: the user file, "
               f"{user_rules_path()}), which keyhelp then reads.")
    init_parser = commands.add_parser("init", help=summary, description=summary)
    init_parser.add_argument("path", metavar="PATH", nargs="?", type=file_path,
                             help="Where to write the copy.")
    init_parser.add_argument("--force", action="store_true",
                             help="Replace PATH if it exists (your edits there are lost).")
    init_parser.set_defaults(run=init)

    summary = ("Print the rules file in effect (stdout) and why it is the one (stderr): "
               "--rules, then KEYHELP_RULES, then the user file, then the shipped rules.")
    path_parser = commands.add_parser("path", help=summary, description=summary)
    add_rules_option(path_parser)
    path_parser.set_defaults(run=path)


def init(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """Write the copy, never over an existing file unless asked; say whether it is now read."""
    target = Path(args.path) if args.path else user_rules_path()
    content = shipped_rules_path().read_bytes()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if args.force:
            _replace(target, content)
        else:
            with open(target, "xb") as out:  # "x": refuse, atomically, if it exists
                out.write(content)
    except FileExistsError:
        raise CliError(f"{target} already exists; keep editing it, or replace it with the "
                       "shipped rules: keyhelp rules init --force") from None
    except OSError as err:
        raise CliError(f"cannot write {target}: {err.strerror or err}") from None
    print(f"Wrote {target}, a copy of the rules shipped with keyhelp.")
    choice = resolve_rules()
    if _same(choice.path, target):
        print("keyhelp reads it from now on: edit it, then run `keyhelp rules check`.")
    elif _same(target, user_rules_path()):
        print(f"keyhelp still reads {choice.path} ({choice.origin}) instead.")
    else:
        print(f"Use it with --rules {target} or KEYHELP_RULES={target}.")


def _replace(target: Path, content: bytes) -> None:
    """Swap the file in whole, so a running server never reads it half written."""
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.",
                                     delete=False) as out:
        out.write(content)
    try:
        if target.exists():
            shutil.copymode(target, out.name)
        else:
            os.chmod(out.name, 0o644)  # rules are not secret; the temporary file was 0600
        os.replace(out.name, target)
    except OSError:
        os.unlink(out.name)
        raise


def _same(one: Path, other: Path) -> bool:
    return one.resolve() == other.resolve()


def path(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """The path alone on stdout (for `$EDITOR "$(keyhelp rules path)"`), the reason on stderr."""
    choice = resolve_rules(args.rules)
    print(choice.path)
    why = choice.origin
    user = user_rules_path()
    if choice.origin in (FROM_OPTION, FROM_ENV) and user.is_file():
        why += f"; the user file {user} is not read"
    if not choice.path.is_file():
        why += "; the file does not exist"
    print(why, file=sys.stderr)
    if choice.origin == SHIPPED:
        print(EDIT_HINT, file=sys.stderr)
