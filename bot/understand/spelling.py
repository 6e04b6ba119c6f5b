"""Misspelled words of the rules' own vocabulary put right ("expierd", "invlaid", "prodcut").

The typo matcher compares whole phrases and leaves short ones to exact matching (a typo in a
short word misleads), so a message whose every error word is misspelled finds nothing. Here
each word of a message that is not in the vocabulary of the rules file (the words of its
messages, cues and scope phrases, in languages written with spaces) is replaced by the one
vocabulary word within one edit of it, a swap of two letters counting as one; only words long
enough that one edit cannot turn one real word into another, and only where exactly one word
fits. Nothing here knows any intent: the vocabulary is the rules file's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

MIN_LENGTH = 5  # shorter words are left alone: "used" is one edit from "user", "uses", …
MAX_EDITS = 1  # a swap ("expierd"), a missing, extra or wrong letter ("diffrent", "creat")
CACHE_SIZE = 4096  # words looked up already (the same slips and unknown words recur)


class Speller:
    """The vocabulary of the spaced phrases, and the words of a message corrected to it."""

    def __init__(self, texts: Iterable[str], stem: Callable[[str], str]) -> None:
        """``texts``: the vocabulary's phrases in latin script, as message views hold them."""
        self._stem = stem
        words = {w for text in texts for w in text.split() if w.isascii() and w.isalpha()}
        self._known = frozenset(words)
        self._long = sorted(w for w in words if len(w) >= MIN_LENGTH - MAX_EDITS)
        self._seen: dict[str, str | None] = {}

    def correct(self, spaced: str) -> str:
        """``spaced`` (a spaced view: " word word ") with each misspelled word put right."""
        tokens = spaced.split()
        changed = False
        for i, token in enumerate(tokens):
            if len(token) < MIN_LENGTH or token in self._known or not token.isascii() \
                    or not token.isalpha():
                continue
            if token in self._seen:
                fixed = self._seen[token]
            else:
                fixed = self._nearest(token)
                if len(self._seen) < CACHE_SIZE:
                    self._seen[token] = fixed
            if fixed is not None:
                tokens[i], changed = fixed, True
        return " " + " ".join(tokens) + " " if changed else spaced

    def _nearest(self, word: str) -> str | None:
        """The single vocabulary word within MAX_EDITS of ``word`` (none, or a tie: None)."""
        from rapidfuzz.distance import OSA  # on first use, like the typo matcher
        from rapidfuzz.process import extract

        found = [w for w, _, _ in extract(word, self._long, scorer=OSA.distance,
                                           score_cutoff=MAX_EDITS, limit=None)]
        # two letters swapped say which word was meant ("expirde": expired, not expire)
        swapped = [w for w in found if sorted(w) == sorted(word)]
        # ... and so does a letter left out, the commonest slip ("expird": expired, not
        # expire or expiry)
        omitted = [w for w in found if len(w) == len(word) + 1]
        if len(swapped) == 1:
            found = swapped
        elif len(omitted) == 1:
            found = omitted
        # one candidate only; not another form of the same word ("expires" is a word of its
        # own, not a slip for "expired"); the first two letters agree, or are swapped
        if len(found) != 1:
            return None
        fixed = found[0]
        if self._stem(fixed) == self._stem(word) or sorted(fixed[:2]) != sorted(word[:2]):
            return None
        return fixed
