"""The loaded knowledge base: immutable, typed, read by every other part of keyhelp.

Built only by ``bot.knowledge.loader`` from a validated rules file; nothing here knows YAML.
The records are frozen dataclasses; their mappings are read-only views (``frozen_map``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal

StepKind = Literal["ask", "remedy", "outcome"]
STEP_KINDS: tuple[StepKind, ...] = ("ask", "remedy", "outcome")
SOLVED_OUTCOME = "solved"  # where "yes, that fixed it" leads unless the policy names another


def frozen_map(items: Mapping | None = None) -> Mapping:
    """A read-only view of a fresh dict, so loaded knowledge cannot be changed in place."""
    return MappingProxyType(dict(items or {}))


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Negation:
    """How a language denies what it names ("isn't expired", 期限切れじゃない, "not on the
    list"): one list for first messages (a denied phrase is evidence against its intent) and
    typed answers (a denied answer phrase counts for the opposite)."""

    before: tuple[str, ...] = ()  # words that deny a phrase following them ("not", "no")
    after: tuple[str, ...] = ()  # words or endings that deny a phrase before them (じゃない)
    reach: int = 3  # words (characters, for text without spaces) between denial and phrase
    stop: frozenset[str] = frozenset()  # words that end a denial's reach ("but", "says")
    # words after which a denying word reports a failure, denying nothing ("could not create")
    except_after: frozenset[str] = frozenset()
    # a word's own reach where it differs from ``reach`` (ない denies only what stands next
    # to it: なくし|てない, not 期限が切れて使え|ない)
    reaches: Mapping[str, int] = field(default_factory=frozen_map)
    answer_reach: int = 2  # in a typed answer (a short reply) every denying word reaches this
    # "X is fine, but …" (大丈夫なんですが): what stands before these is named as NOT the
    # problem; first messages only, like ``after`` (a typed answer is not read with them)
    contrast: tuple[str, ...] = ()
    # what, right after a denying word, makes it ask instead (付けてもらえませ|んか: a request;
    # 期限切れじゃない|ですか: a guess that it is so): it denies nothing
    asks: tuple[str, ...] = ()
    # words opening a clause that names the one before it as a quote (…ダメ、というエラーは出て
    # いません): a denial further on in that clause denies the quote
    quoting: tuple[str, ...] = ()

    def reach_of(self, word: str) -> int:
        """How far ``word`` reaches in a first message."""
        return self.reaches.get(word, self.reach)


MEANINGS = ("yes", "no", "unsure")  # what an answer may stand for in a yes/no question


@dataclass(frozen=True, slots=True)
class Interval:
    """A stretch of a measured quantity (minutes, a count) in its base unit: an answer's
    ``range``, or what a typed answer says ("about an hour" is [60, 60], "over an hour"
    [60, ∞))."""

    low: float = 0.0
    high: float = math.inf
    low_open: bool = False
    high_open: bool = True

    def contains(self, other: Interval) -> bool:
        """Every value of ``other`` lies in this interval."""
        low_ok = other.low > self.low or (other.low == self.low and (
            not self.low_open or other.low_open))
        high_ok = other.high < self.high or (other.high == self.high and (
            not self.high_open or other.high_open))
        return low_ok and high_ok

    def overlaps(self, other: Interval) -> bool:
        """Some value lies in both intervals."""
        below = self.high < other.low or (self.high == other.low and (
            self.high_open or other.low_open))
        above = other.high < self.low or (other.high == self.low and (
            other.high_open or self.low_open))
        return not (below or above)


@dataclass(frozen=True, slots=True)
class AnswerWords:
    """How one language's typed answers to questions are read (the locale's ``words.answers``).

    Phrases are folded to lower case; numbers and unit sizes are plain floats.
    """

    # yes | no | unsure -> phrases saying it
    means: Mapping[str, tuple[str, ...]] = field(default_factory=frozen_map)
    solved: tuple[str, ...] = ()  # "did this solve it?": phrases saying it did
    unsolved: tuple[str, ...] = ()  # ... and that it did not
    why: tuple[str, ...] = ()  # asking why the question is asked
    # a question back that answers nothing ("can't you just renew it for me?", 質問の意味が…)
    asks_back: tuple[str, ...] = ()
    # number words: "an" -> 1, "half" -> 0.5, 数 -> 3
    numbers: Mapping[str, float] = field(default_factory=frozen_map)
    # measure -> unit word -> size
    units: Mapping[str, Mapping[str, float]] = field(default_factory=frozen_map)
    more: tuple[str, ...] = ()  # "more than", 以上: the quantity or more
    less: tuple[str, ...] = ()  # "less than", 未満: below the quantity


@dataclass(frozen=True, slots=True)
class WordRules:
    """How loose matching reads one language's words: stems, contractions, grammar words.

    The first four are for languages written with spaces between words, the last three for
    those written without (particles dropped, one negative ending standing for any other).
    """

    stemmer: str | None = None  # a Snowball algorithm, e.g. "english"; None: words kept whole
    # "isnt" -> ("is", "not")
    spelled_out: Mapping[str, tuple[str, ...]] = field(default_factory=frozen_map)
    # chat shorthand read as written out: "ur" -> "your"
    shorthand: Mapping[str, str] = field(default_factory=frozen_map)
    function_words: frozenset[str] = frozenset()  # grammar, not content ("where", "would", …)
    particles: str | None = None  # a regex of particles between words (が, は, を)
    negative_endings: tuple[str, ...] = ()  # ない, ません, …: cut off a phrase's end
    negative_forms: tuple[str, ...] = ()  # what may follow the cut phrase in a message
    negation: Negation | None = None  # denials that veto the phrases they govern
    alternatives: tuple[str, ...] = ()  # "or", か: two intents named as alternatives -> ask
    answers: AnswerWords | None = None  # how typed answers to questions are read
    # words that mark a message as this language typed in latin letters (desu, masu): such
    # a message is also read by the romanised readings of the phrases
    romaji: tuple[str, ...] = ()
    # words saying the user is not sure which message it was ("either", どっちか): an answer
    # becomes a question between it and the next intent the message points at
    unsure_which: tuple[str, ...] = ()
    # marks where the user stopped reading a message ("有効…なんとか", "Sorry, we can't ...
    # right now"): the words beside them name the errors whose message holds them
    cut_off: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Locale:
    """A reply language; ``script`` is a regex character class that marks text written in it."""

    id: str
    name: str
    script: str | None
    words: WordRules | None = None  # for languages written with spaces between words


@dataclass(frozen=True, slots=True)
class Link:
    """A named support link with a label per locale."""

    id: str
    url: str
    label: Localized


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Target:
    """Where a step leads: ask a question, give a remedy, or end with an outcome."""

    kind: StepKind
    id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True, slots=True)
class Answer:
    """A choice at a question. ``when`` names an automatic check result that selects it.

    A typed answer is matched by ``cues`` (per locale), by what it ``means`` (yes, no,
    unsure: the locales' shared words for those) and, when the question measures something,
    by its ``range``.
    """

    id: str
    label: Localized
    target: Target
    when: str | None = None
    cues: Mapping[str, tuple[str, ...]] = field(default_factory=frozen_map)
    means: tuple[str, ...] = ()
    range: Interval | None = None


@dataclass(frozen=True, slots=True)
class Question:
    """A question that tells causes apart; each answer leads on."""

    id: str
    text: Localized
    separates: tuple[str, ...]
    answers: tuple[Answer, ...]
    check: str | None = None
    measures: str | None = None  # a measure of the locales' units ("duration"), if it asks one

    def answer(self, answer_id: str) -> Answer | None:
        return next((a for a in self.answers if a.id == answer_id), None)


@dataclass(frozen=True, slots=True)
class Cause:
    """A possible reason behind an error message."""

    id: str
    text: Localized


@dataclass(frozen=True, slots=True)
class Remedy:
    """Advice to try; ``if_unsolved`` is where "no, still broken" leads (default: escalate)."""

    id: str
    text: Localized
    links: tuple[str, ...] = ()
    if_unsolved: Target | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """A conversation end. ``escalate`` means a human takes over."""

    id: str
    text: Localized
    links: tuple[str, ...] = ()
    escalate: bool = False


@dataclass(frozen=True, slots=True)
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
    # what people call the error when naming two as alternatives ("the order one or the
    # request one", 注文かリクエストか): short words, never enough to answer
    names: Mapping[str, tuple[str, ...]] = field(default_factory=frozen_map)


@dataclass(frozen=True, slots=True)
class CueGroup:
    """Phrases that point at several intents at once (the user must pick), or at none."""

    id: str
    intents: tuple[str, ...]
    cues: Mapping[str, tuple[str, ...]]
    with_key: bool = False  # the cues count only in a message holding a pasted product key
    # ... or naming one of these words ("the key won't go through"; "won't go through" alone
    # may be anything)
    or_with: Mapping[str, tuple[str, ...]] = field(default_factory=frozen_map)
    key_alone: bool = False  # a pasted key with nothing recognised beside it asks between these


VETOES = ("other_products", "other_topics", "resolved")  # the parts that take an answer away


@dataclass(frozen=True, slots=True)
class Scope:
    """What keeps a message in scope or takes it out, per locale (see the rules file's header)."""

    # our products' names
    products: Mapping[str, tuple[str, ...]] = field(default_factory=frozen_map)
    # words of the redemption context
    context: Mapping[str, tuple[str, ...]] = field(default_factory=frozen_map)
    # look-alike keys and licences
    other_products: Mapping[str, tuple[str, ...]] = field(default_factory=frozen_map)
    # neighbouring tasks, not problems
    other_topics: Mapping[str, tuple[str, ...]] = field(default_factory=frozen_map)
    # status reports: the problem is gone or never was (even beside a quoted message)
    resolved: Mapping[str, tuple[str, ...]] = field(default_factory=frozen_map)
    # the user's own politeness that contains a message's words (大変申し訳ございません): what is
    # found inside it is no quote of the screen
    courtesy: Mapping[str, tuple[str, ...]] = field(default_factory=frozen_map)


@dataclass(frozen=True, slots=True)
class Policy:
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


@dataclass(frozen=True, slots=True)
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
    scope: Scope = Scope()
    # raw confidence -> share of answers right, as (raw, calibrated) points, raw ascending
    calibration: tuple[tuple[float, float], ...] = ()
    policy: Policy = Policy()

    @property
    def locale_ids(self) -> tuple[str, ...]:
        return tuple(loc.id for loc in self.locales)
