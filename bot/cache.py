"""A validated on-disk cache of things slow to build (parsed rules, catalogs), for fast start-up.

Each entry is keyed by a hash of everything it was built from, so a stale entry is never
used: a changed rules file, catalog or loader simply builds afresh. ``KEYHELP_CACHE_DIR``
moves it (default ``~/.cache/keyhelp``); ``KEYHELP_CACHE_DIR=off`` disables it. A cache that
cannot be read or written is ignored — it only ever saves time.
"""

from __future__ import annotations

import contextlib
import copyreg
import functools
import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from bot.config import cache_dir
from bot.private_files import private_dir

T = TypeVar("T")
_PACKAGE = Path(__file__).resolve().parent


def _proxy(items: dict) -> MappingProxyType:
    return MappingProxyType(items)


# The knowledge model freezes its mappings in MappingProxyType, which pickle cannot copy.
copyreg.pickle(MappingProxyType, lambda proxy: (_proxy, (dict(proxy),)))


def cached(name: str, key: str, build: Callable[[], T]) -> T:
    """``build()``'s result, from disk when an entry with the same ``key`` exists."""
    directory = cache_dir()
    if directory is None:
        return build()
    path = directory / f"{name}.pickle"
    try:
        with path.open("rb") as handle:
            stored_key, value = pickle.load(handle)
        if stored_key == key:
            return value
    except Exception:  # missing, truncated or from another version: rebuild
        pass
    value = build()
    _store(directory, path, key, value)
    return value


def _store(directory: Path, path: Path, key: str, value: object) -> None:
    """Write atomically (temp file, then rename), so a reader never sees half an entry.

    The folder is created 0700; the temporary file, hence the entry, is 0600 (mkstemp).
    """
    import tempfile  # only when writing: start-up reads the cache far more often

    temp: str | None = None
    try:
        private_dir(directory)
        with tempfile.NamedTemporaryFile("wb", dir=directory, delete=False,
                                         suffix=".tmp") as handle:
            temp = handle.name
            pickle.dump((key, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, path)
    except Exception:  # an unwritable cache only costs time
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)


@functools.cache
def code_digest() -> str:
    """A hash of every source file of the package, so any code change invalidates the cache
    (no hand-kept list of the modules an entry depends on that could miss one)."""
    digest = hashlib.sha256()
    for source in sorted(_PACKAGE.rglob("*.py")):
        digest.update(str(source.relative_to(_PACKAGE)).encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()
