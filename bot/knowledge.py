"""The loaded knowledge base: immutable, typed, read by every other part of keyhelp.

Built only by ``bot.loader`` from a validated rules file; nothing here knows YAML.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal

StepKind = Literal["ask", "remedy", "outcome"]
STEP_KINDS: tuple[StepKind, ...] = ("ask", "remedy", "outcome")
SOLVED_OUTCOME = "solved"  # where "yes, that fixed it" after a remedy leads; every file declares it


def frozen_map(items: Mapping | None = None) -> Mapping:
    """A read-only view of a fresh dict, so loaded knowledge cannot be changed in place."""
    return MappingProxyType(dict(items or {}))


@dataclass(frozen=True)
class Localized:
    """One text in every declared locale, e.g. ``Localized({"ja": "…", "en": "…"})``."""

    texts: Mapping[str, str]

    def get(self, lang: str, fallback: str | None = None) -> str:
        """The text in ``lang``; the fallback locale's text if ``lang`` is missing."""
        if lang in self.texts:
            return self.texts[lang]
        if fallback is not None and fallback in self.texts:
            return self.texts[fallback]
        return next(iter(self.texts.values()), "")

    def __iter__(self) -> Iterator[str]:
        return iter(self.texts)


@dataclass(frozen=True)
class Locale:
    """A reply language; ``script`` is a regex character class that marks text written in it."""

    id: str
    name: str
    script: str | None


@dataclass(frozen=True)
class Link:
    """A named support link with a label per locale."""

    id: str
    url: str
    label: Localized


@dataclass(frozen=True)
class KeyFormat:
    """Shape of a product key and the characters it may contain (data, not code)."""

    alphabet: str
    groups: int
    group_size: int
    separator: str
    confusables: tuple[tuple[str, ...], ...]

    @property
    def length(self) -> int:
        return self.groups * self.group_size


@dataclass(frozen=True)
class Target:
    """Where a step leads: ask a question, give a remedy, or end with an outcome."""

    kind: StepKind
    id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class Answer:
    """A choice at a question. ``when`` names an automatic check result that selects it."""

    id: str
    label: Localized
    target: Target
    when: str | None = None


@dataclass(frozen=True)
class Question:
    """A question that tells causes apart; each answer leads on."""

    id: str
    text: Localized
    separates: tuple[str, ...]
    answers: tuple[Answer, ...]
    check: str | None = None

    def answer(self, answer_id: str) -> Answer | None:
        return next((a for a in self.answers if a.id == answer_id), None)


@dataclass(frozen=True)
class Cause:
    """A possible reason behind an error message."""

    id: str
    text: Localized


@dataclass(frozen=True)
class Remedy:
    """Advice to try; ``if_unsolved`` is where "no, still broken" leads (default: escalate)."""

    id: str
    text: Localized
    links: tuple[str, ...] = ()
    if_unsolved: Target | None = None


@dataclass(frozen=True)
class Outcome:
    """A conversation end. ``escalate`` means a human takes over."""

    id: str
    text: Localized
    links: tuple[str, ...] = ()
    escalate: bool = False


@dataclass(frozen=True)
class Intent:
    """One error message or guidance topic, with its diagnosis flow."""

    id: str
    kind: Literal["error", "topic"]
    title: Localized
    messages: tuple[Localized, ...]
    cues: Mapping[str, tuple[str, ...]]
    causes: Mapping[str, Cause]
    start: Target
    questions: Mapping[str, Question]
    remedies: Mapping[str, Remedy]


@dataclass(frozen=True)
class CueGroup:
    """Phrases that point at several intents at once (the user must pick), or at none."""

    id: str
    intents: tuple[str, ...]
    cues: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Knowledge:
    """Everything the rules file says, validated and frozen."""

    version: int
    source: Path
    locales: tuple[Locale, ...]
    default_locale: str
    links: Mapping[str, Link]
    key_format: KeyFormat
    outcomes: Mapping[str, Outcome]
    intents: Mapping[str, Intent]
    fallback_links: tuple[str, ...] = ()  # offered when keyhelp cannot help
    ambiguities: Mapping[str, CueGroup] = field(default_factory=frozen_map)
    out_of_scope: Mapping[str, tuple[str, ...]] = field(default_factory=frozen_map)

    @property
    def locale_ids(self) -> tuple[str, ...]:
        return tuple(loc.id for loc in self.locales)

    def intent(self, intent_id: str) -> Intent:
        return self.intents[intent_id]
