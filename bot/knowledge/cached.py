"""The rules file as ``Knowledge`` through the start-up cache (``bot.cache``): YAML is parsed
only when the file or keyhelp's code changed."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bot.cache import cached, code_digest


def load_knowledge_cached(path: Path):  # -> Knowledge (typed loosely: no loader import here)
    """The rules file as ``Knowledge``, skipping YAML parsing when the file is unchanged.

    Raises ``bot.knowledge.problems.RulesError`` exactly like
    ``bot.knowledge.loader.load_knowledge``.
    """
    content = Path(path).read_bytes()
    key = hashlib.sha256(content + str(Path(path).resolve()).encode()).hexdigest()
    key += code_digest()

    def build():
        from bot.knowledge.loader import load_knowledge

        return load_knowledge(path)

    return cached("knowledge-" + hashlib.sha256(str(path).encode()).hexdigest()[:12], key, build)
