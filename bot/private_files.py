"""Files only their user may read: what keyhelp keeps holds what people typed (keys masked).

Databases and caches are created 0600 and any folder created for them 0700, whatever the
umask; files and folders that already exist keep the modes their owner gave them. SQLite
creates a database's ``-wal`` and ``-shm`` files with the database file's own mode.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(folder: Path) -> None:
    """Create ``folder`` and its missing parents as 0700 (``mkdir -p`` would use the umask)."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        try:
            made.mkdir(mode=DIR_MODE)
        except FileExistsError:  # another process made it first: theirs is as private
            continue
        os.chmod(made, DIR_MODE)  # mkdir's mode is masked by the umask


def private_file(path: Path) -> None:
    """Create ``path`` empty as 0600 (and its folders 0700) unless it exists already."""
    private_dir(path.parent)
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    except FileExistsError:
        return
    try:
        os.fchmod(descriptor, FILE_MODE)  # open's mode is masked by the umask
    finally:
        os.close(descriptor)
