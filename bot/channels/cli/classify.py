"""`keyhelp classify`: the recogniser's machine contract, one message or a JSON-lines stream.

Example::

    keyhelp classify "The product key you entered has expired"
    echo '{"id": 1, "text": "キーが通らない"}' | keyhelp classify --jsonl
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from typing import Any

from bot.channels.cli.main import CliError, add_rules_option
from bot.config import rules_max_bytes
from bot.knowledge.loader import load_knowledge
from bot.knowledge.problems import RulesError
from bot.paths import rules_path
from bot.understand.recognise import Recogniser


def _recogniser(rules: str | None) -> Recogniser:
    """Load the rules once; a broken rules file is an exit message, not a traceback."""
    path = rules_path(rules)
    try:
        max_bytes = rules_max_bytes()
    except ValueError as err:
        raise CliError(str(err)) from None
    try:
        return Recogniser(load_knowledge(Path(path), max_bytes=max_bytes))
    except RulesError as err:
        raise CliError(f"the rules file has problems (fix them, then run "
                       f"`keyhelp rules check`):\n{err.report()}") from err
    except OSError as err:
        raise CliError(f"cannot read rules file {path}: {err.strerror}") from err


def classify_line(recogniser: Recogniser, line: bytes) -> dict[str, Any]:
    """One input line to one output object; every failure becomes an ``error`` field.

    A key in ``text`` is masked in the echoed record too: no output holds a full key.
    """
    errors = []
    try:
        decoded = line.decode("utf-8")
    except UnicodeDecodeError:
        decoded = line.decode("utf-8", errors="replace")
        errors.append("line is not valid UTF-8 (bad bytes replaced)")
    try:
        record = json.loads(decoded)
    except ValueError:
        record = None
        errors.append("line is not valid JSON")
    except RecursionError:  # "[[[[…" thousands deep: the parser gives up
        record = None
        errors.append("line is nested too deeply to read as JSON")
    if not isinstance(record, dict):
        out: dict[str, Any] = {"error": "; ".join(errors) or "line is not a JSON object"}
        out["result"] = recogniser.classify("").to_json()
        return out
    text = record.get("text")
    if not isinstance(text, str):
        errors.append('missing or non-string "text"')
        text = ""
    normalised = recogniser.normaliser.normalise(text)
    if normalised.key is not None:
        record["text"] = normalised.original_masked
    if errors:
        record["error"] = "; ".join(errors)
    record["result"] = recogniser.recognise(normalised).to_json()
    return record


def run_jsonl(recogniser: Recogniser, stdin: io.BufferedIOBase, stdout: io.TextIOBase) -> None:
    """Stream stdin to stdout, one result line per non-blank input line, in order."""
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    for line in stdin:
        if not line.strip():
            continue
        stdout.write(dumps(classify_line(recogniser, line)) + "\n")
    stdout.flush()


def classify(argv: list[str]) -> None:
    """`keyhelp classify`: what the evaluation runs; UTF-8 JSON out whatever the locale."""
    parser = argparse.ArgumentParser(
        prog="keyhelp classify",
        description="Tell which intent a message is about (answer / clarify / unknown), as JSON.")
    parser.add_argument("text", metavar="TEXT", nargs="?", help="The message to classify.")
    parser.add_argument("--jsonl", action="store_true",
                        help='Read JSON objects with "text" from stdin, one a line.')
    add_rules_option(parser)
    args = parser.parse_args(argv)
    if args.jsonl == (args.text is not None):
        parser.error("give either TEXT or --jsonl")
    recogniser = _recogniser(args.rules)
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n",
                           line_buffering=False, write_through=False)
    try:
        if args.jsonl:
            try:
                run_jsonl(recogniser, sys.stdin.buffer, out)
            except OSError as err:
                raise CliError(f"cannot read stdin: {err}") from err
        else:
            result = recogniser.classify(args.text).to_json()
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
    finally:
        out.flush()
        out.detach()
