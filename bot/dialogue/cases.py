"""A conversation's cases: what was said in the current one, and how the earlier ones ended.

One conversation can hold several cases (an error diagnosed, then "start over", then another
error). The escalation summary shows only the current case, so that its transcript, its key
and its answers describe one problem; an ended case is kept in ``Conversation.cases`` with how
it ended (``restarted``, ``closed``, ``escalated`` or ``replaced`` by another error).

The transcript keeps references, not wording: a user line is ``["user", text, choice]`` (the
masked text as typed and the value of the choice it picked, if any); a keyhelp line is
``["bot", kind, ref]`` (the reply kind and the step, outcome or explanation it showed). The
summary puts them into words in its own language when it is built (``bot.dialogue.summary``).
"""

from __future__ import annotations

from bot.dialogue.conversation import Conversation
from bot.dialogue.replies import Reply

PAST_CASES = 5  # ended cases kept per conversation, newest last
USER_CHARS = 300  # a user line is cut here: a transcript line, not a document


def say_user(conv: Conversation, text: str, choice: str, limit: int) -> None:
    """Record what the user sent: ``text`` (keys masked) and/or the ``choice`` value it picked."""
    _add(conv, ["user", text[:USER_CHARS], choice], limit)


def say_bot(conv: Conversation, reply: Reply, limit: int) -> None:
    """Record what keyhelp showed, as the reply kind and the step behind it."""
    if reply.kind == "welcome":
        return  # the opening prompt says nothing about the case
    kind, ref = reply.kind, ""
    if reply.kind == "ask":
        ref = reply.question  # type: ignore[union-attr]
    elif reply.kind == "remedy":
        ref = reply.remedy  # type: ignore[union-attr]
    elif reply.kind == "closed":
        ref = reply.outcome  # type: ignore[union-attr]
    elif reply.kind == "escalate":
        ref = reply.summary.outcome or ""  # type: ignore[union-attr]
    elif reply.kind == "explanation":
        kind = f"why-{reply.about}"  # type: ignore[union-attr]
    _add(conv, ["bot", kind, ref], limit)


def _add(conv: Conversation, line: list[str], limit: int) -> None:
    conv.history.append(line)
    del conv.history[:-limit]


def end_case(conv: Conversation, how: str, *, keep: int = 0) -> None:
    """Close the current case as ``how`` and begin a clean one.

    ``keep``: the last lines of the transcript (this turn's message) that belong to the new
    case.
    """
    ended = conv.history[:len(conv.history) - keep]
    if ended:
        conv.cases.append({"status": how, "intent": conv.intent, "lang": conv.lang,
                           "history": ended})
        del conv.cases[:-PAST_CASES]
    conv.history = conv.history[len(conv.history) - keep:]
