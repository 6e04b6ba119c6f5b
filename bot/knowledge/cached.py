"""The rules file as ``Knowledge`` through the start-up cache (``bot.cache``): YAML is parsed
only when the file or keyhelp's code changed."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bot.cache import cached, code_digest
from bot.config import DEFAULT_RULES_MAX_BYTES
from bot.knowledge.source import read_limited


def load_knowledge_cached(path: Path, *, content: bytes | None = None,
                          max_bytes: int = DEFAULT_RULES_MAX_BYTES):  # -> Knowledge
    """The rules file as ``Knowledge``, skipping YAML parsing when the file is unchanged.

    ``content``: the file's bytes when the caller has read them already. Raises
    ``bot.knowledge.problems.RulesError`` exactly like ``bot.knowledge.loader.load_knowledge``
    (typed loosely: the loader, and YAML with it, is imported only when the cache misses).
    """
    if content is None:
        content = read_limited(Path(path), max_bytes)
    key = hashlib.sha256(content + str(Path(path).resolve()).encode()).hexdigest()
    key += code_digest()

    def build():
        from bot.knowledge.loader import knowledge_from

        return knowledge_from(content, Path(path))

    return cached("knowledge-" + hashlib.sha256(str(path).encode()).hexdigest()[:12], key, build)
