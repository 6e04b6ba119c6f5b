"""Problems found in a rules file, reported as ``FILE:LINE:COLUMN: what (expected …)``."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple


# A NamedTuple for its tuple order: problems are reported sorted by file, line and column.
class Problem(NamedTuple):
    """One thing wrong in a rules file; line and column are 1-based, as editors count."""

    file: str
    line: int
    column: int
    message: str
    expected: str | None = None

    def __str__(self) -> str:
        tail = f" (expected {self.expected})" if self.expected else ""
        return f"{self.file}:{self.line}:{self.column}: {self.message}{tail}"


class RulesError(Exception):
    """A rules file that cannot be used; carries every problem found, not just the first."""

    def __init__(self, path: Path | str, problems: list[Problem]):
        self.path = str(path)
        self.problems = sorted(problems)
        count = len(self.problems)
        super().__init__(f"{self.path}: {count} problem{'s' if count != 1 else ''}")

    def report(self) -> str:
        return "\n".join(str(p) for p in self.problems)
