"""The loaded knowledge base: immutable, typed, read by every other part of keyhelp.

Built only by ``bot.knowledge.loader`` from a validated rules file; nothing here knows YAML.
The records are ``NamedTuple``s, not dataclasses: a frozen dataclass compiles six methods when
its module is imported (about 1 ms each class here), and every ``keyhelp`` start pays for it.
Annotations are real objects (no ``from __future__ import annotations``): as strings, NamedTuple
would compile each one as a forward reference at import.
"""

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Literal, NamedTuple

StepKind = Literal["ask", "remedy", "outcome"]
STEP_KINDS: tuple[StepKind, ...] = ("ask", "remedy", "outcome")
SOLVED_OUTCOME = "solved"  # where "yes, that fixed it" leads unless the policy names another


def frozen_map(items: Mapping | None = None) -> Mapping:
    """A read-only view of a fresh dict, so loaded knowledge cannot be changed in place."""
    return MappingProxyType(dict(items or {}))


EMPTY: Mapping = frozen_map()  # a shared default: read-only, so sharing it is safe


class Localized(NamedTuple):
    """One text in every declared locale, e.g. ``Localized({"ja": "…", "en": "…"})``."""

    texts: Mapping[str, str]

    def get(self, lang: str, fallback: str | None = None) -> str:
        """The text in ``lang``; the fallback locale's text if ``lang`` is missing."""
        if lang in self.texts:
            return self.texts[lang]
        if fallback is not None and fallback in self.texts:
            return self.texts[fallback]
        return next(iter(self.texts.values()), "")


class WordRules(NamedTuple):
    """How loose matching reads one language's words: stems, contractions, grammar words.

    The first four are for languages written with spaces between words, the last three for
    those written without (particles dropped, one negative ending standing for any other).
    """

    stemmer: str | None = None  # a Snowball algorithm, e.g. "english"; None: words kept whole
    spelled_out: Mapping[str, tuple[str, ...]] = EMPTY  # "isnt" -> ("is", "not")
    shorthand: Mapping[str, str] = EMPTY  # chat shorthand read as written out: "ur" -> "your"
    function_words: frozenset[str] = frozenset()  # grammar, not content ("where", "would", …)
    particles: str | None = None  # a regex of particles between words (が, は, を)
    negative_endings: tuple[str, ...] = ()  # ない, ません, …: cut off a phrase's end
    negative_forms: tuple[str, ...] = ()  # what may follow the cut phrase in a message


class Locale(NamedTuple):
    """A reply language; ``script`` is a regex character class that marks text written in it."""

    id: str
    name: str
    script: str | None
    words: WordRules | None = None  # for languages written with spaces between words


class Link(NamedTuple):
    """A named support link with a label per locale."""

    id: str
    url: str
    label: Localized


class KeyFormat(NamedTuple):
    """Shape of a product key and the characters it may contain (data, not code)."""

    alphabet: str
    groups: int
    group_size: int
    separator: str
    confusables: tuple[tuple[str, ...], ...]

    @property
    def length(self) -> int:
        return self.groups * self.group_size


class Target(NamedTuple):
    """Where a step leads: ask a question, give a remedy, or end with an outcome."""

    kind: StepKind
    id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


class Answer(NamedTuple):
    """A choice at a question. ``when`` names an automatic check result that selects it."""

    id: str
    label: Localized
    target: Target
    when: str | None = None


class Question(NamedTuple):
    """A question that tells causes apart; each answer leads on."""

    id: str
    text: Localized
    separates: tuple[str, ...]
    answers: tuple[Answer, ...]
    check: str | None = None

    def answer(self, answer_id: str) -> Answer | None:
        return next((a for a in self.answers if a.id == answer_id), None)


class Cause(NamedTuple):
    """A possible reason behind an error message."""

    id: str
    text: Localized


class Remedy(NamedTuple):
    """Advice to try; ``if_unsolved`` is where "no, still broken" leads (default: escalate)."""

    id: str
    text: Localized
    links: tuple[str, ...] = ()
    if_unsolved: Target | None = None


class Outcome(NamedTuple):
    """A conversation end. ``escalate`` means a human takes over."""

    id: str
    text: Localized
    links: tuple[str, ...] = ()
    escalate: bool = False


class Intent(NamedTuple):
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


class CueGroup(NamedTuple):
    """Phrases that point at several intents at once (the user must pick), or at none."""

    id: str
    intents: tuple[str, ...]
    cues: Mapping[str, tuple[str, ...]]


class Policy(NamedTuple):
    """The general dialogue behaviour (the rules file's ``policy:``; read by
    ``bot.knowledge.policy``, compiled into engine rules by ``bot.dialogue.rulebook``).

    Each command's entry is one of the words ``bot.knowledge.policy`` allows for it
    (``explain-causes``, ``explain-path``, ``repeat``, ``restart``, ``first-step``,
    ``hand-off``) or a ``Target`` (an outcome to end at).
    """

    hand_off_after_unrecognised: int = 2  # messages in a row keyhelp cannot place
    why_at_question: str = "explain-causes"
    why_at_remedy: str = "explain-path"
    why_at_end: str = "explain-path"  # at an outcome (the case has ended)
    start_over: str = "restart"
    language_change: str = "repeat"
    solved: Target = Target("outcome", SOLVED_OUTCOME)  # "yes, it's solved" after a remedy
    # "no, it still fails" after a remedy without its own if_unsolved
    not_solved: Target | str = "hand-off"


class Knowledge(NamedTuple):
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
    ambiguities: Mapping[str, CueGroup] = EMPTY
    out_of_scope: Mapping[str, tuple[str, ...]] = EMPTY
    policy: Policy = Policy()

    @property
    def locale_ids(self) -> tuple[str, ...]:
        return tuple(loc.id for loc in self.locales)
