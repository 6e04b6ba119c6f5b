"""Why the recogniser decided as it did: the phrases that counted, for and against.

``classify --json`` shows these so a rules author sees which cue matched which intent, which
denial or scope phrase vetoed what, without reading code.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from bot.understand.phrases import OUT_OF_SCOPE, Hit, Phrase

IN_SCOPE = "in-scope"  # what a product or context phrase speaks for
ANSWER = "answer"  # what a veto speaks against
QUOTE = "quote"  # what the user's own courtesy speaks against: its words as a quoted screen


def kind_of(phrase: Phrase) -> str:
    """Which part of the rules file a phrase comes from, as the rules file names it."""
    if phrase.scope is not None:
        return phrase.scope
    for source, kind in (("message", "message"), ("cue", "cue"), ("oos", "out_of_scope")):
        if source in phrase.sources:
            return kind
    return "ambiguity"


class Evidence(NamedTuple):
    """One phrase (or missing piece) and what it spoke for or against."""

    phrase: str
    kind: str
    effect: str  # "for" | "against"
    targets: tuple[str, ...]  # intents, or IN_SCOPE / ANSWER
    weight: float = 0.0
    denied_by: str | None = None

    @classmethod
    def of_hit(cls, hit: Hit) -> Evidence:
        """A phrase found: for its intents, for the scope, or against an answer."""
        phrase = hit.phrase
        kind = kind_of(phrase)
        if phrase.scope in ("products", "context"):
            return cls(phrase.text, kind, "for", (IN_SCOPE,))
        if phrase.scope == "courtesy":
            return cls(phrase.text, kind, "against", (QUOTE,))
        if phrase.scope is not None or OUT_OF_SCOPE in phrase.targets:
            return cls(phrase.text, kind, "against", (ANSWER,), phrase.weight * hit.quality)
        return cls(phrase.text, kind, "for", phrase.targets, phrase.weight * hit.quality)

    @classmethod
    def denied(cls, phrase: Phrase, by: str) -> Evidence:
        """A phrase the message denies: against what it would have supported."""
        targets = phrase.targets if phrase.targets and OUT_OF_SCOPE not in phrase.targets \
            else (IN_SCOPE,) if phrase.scope in ("products", "context") else (ANSWER,)
        return cls(phrase.text, kind_of(phrase), "against", targets, denied_by=by)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"phrase": self.phrase, "kind": self.kind,
                               self.effect: list(self.targets)}
        if self.weight:
            out["weight"] = round(self.weight, 2)
        if self.denied_by is not None:
            out["denied_by"] = self.denied_by
        return out
