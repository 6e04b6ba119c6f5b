"""Which intents' on-screen messages contain a phrase, without reading every intent's messages.

Building the phrase index asks, for each cue, whether another intent's message contains it
(``bot/understand/phrases.py``, ``DISCOUNT_IN_OTHER_MESSAGE``). Asked of every intent that
grows with the square of the rules file; here the words and character pairs of the messages
name the only intents that can contain a phrase, and only those are searched.
"""

from __future__ import annotations

from collections.abc import Iterable


class MessageIndex:
    """Intents by the words (latin views) and character pairs (dense views) of their messages."""

    def __init__(self, message_views: dict[str, list[str]]) -> None:
        """``message_views``: each intent's spaced views (" the key ") and dense views."""
        self._views = message_views
        self._order = {intent_id: n for n, intent_id in enumerate(message_views)}
        self._words: dict[str, set[str]] = {}  # whole word -> intents
        self._starts: dict[str, set[str]] = {}  # a word's first 1-3 characters -> intents
        self._pairs: dict[str, set[str]] = {}  # character or pair of characters -> intents
        for intent_id, views in message_views.items():
            for view in views:
                for word in view.split():
                    self._words.setdefault(word, set()).add(intent_id)
                    for k in (1, 2, 3):
                        self._starts.setdefault(word[:k], set()).add(intent_id)
                dense = view.replace(" ", "")
                for i in range(len(dense)):
                    self._pairs.setdefault(dense[i], set()).add(intent_id)
                    self._pairs.setdefault(dense[i:i + 2], set()).add(intent_id)

    def _possible(self, text: str, dense: bool) -> set[str]:
        """Intents that can contain ``text``: a necessary condition, checked exactly after."""
        if dense:  # every character pair of the text is in a view that contains it
            keys: Iterable[str] = [text[i:i + 2] for i in range(max(1, len(text) - 1))]
            index = self._pairs
        else:  # " w1 w2 … wn": w1…wn-1 are whole words of the view, wn starts one
            words = text.split()
            keys = words[:-1]
            index = self._words
        owners: set[str] | None = None
        for key in keys:
            found = index.get(key, set())
            owners = found if owners is None else owners & found
            if not owners:
                return set()
        if not dense:
            last = self._starts.get(text.split()[-1][:3], set())
            owners = last if owners is None else owners & last
        return owners or set()

    def containing(self, text: str, dense: bool, exclude: Iterable[str] = ()) -> list[str]:
        """Intents (not in ``exclude``) with a message containing the phrase ``text``, as the
        phrase index matches it: dense anywhere, latin from a word start."""
        needle = text if dense else f" {text}"
        skip = set(exclude)
        possible = sorted(self._possible(text, dense) - skip, key=self._order.__getitem__)
        return [i for i in possible if any(needle in v for v in self._views[i])]

    def near(self, intent: str, first: str, second: str, dense: bool, gap: int) -> bool:
        """A message of ``intent`` holds ``first`` and, at most ``gap`` characters after its
        end, ``second`` (both as ``containing`` matches them)."""
        for view in self._views[intent]:
            if dense != (" " not in view.strip()):
                continue
            head, tail = (first, second) if dense else (f" {first}", f" {second}")
            at = view.find(head)
            while at >= 0:
                end = at + len(head)
                if view.find(tail, end, end + gap + len(tail)) >= 0:
                    return True
                at = view.find(head, at + 1)
        return False
