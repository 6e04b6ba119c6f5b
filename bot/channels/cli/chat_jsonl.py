"""`keyhelp chat --jsonl`: conversations as JSON lines, for tests and helpdesk tooling.

In, one object a line: ``{"conversation": ID, "text": "..."}`` or ``{"conversation": ID,
"action": VALUE}`` (a choice value as ``diagnose --json`` lists it; optional ``"lang"``: the
reply language, as a choice). Out, one object per input line, in order:
``{"conversation": ID, "replies": [...], "rules": [...]}``, each reply shaped as in
``diagnose --json`` (kind, text, choices, links); ``ask``, ``remedy`` and the replies that end
at an outcome (``closed``, ``escalate``) also carry ``"intent"`` and ``"id"`` (the question,
remedy or outcome id in the rules file); "rules" are the engine rules that led the current case
to the step it stands at, in order (the trace "how did we get here?" is read from). A line
that cannot be taken gets ``{"line": N, "error": "..."}``
(and its conversation when known), and the stream goes on. Product keys are masked in
everything written, the conversation ids included.

Example::

    printf '%s\\n' '{"conversation": "c1", "text": "my key has expired"}' \\
        '{"conversation": "c1", "action": "answer:other-key:no-other"}' | keyhelp chat --jsonl
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from bot.understand.keys import find_key

if TYPE_CHECKING:
    from bot.dialogue.assistant import Assistant
    from bot.dialogue.replies import Reply
    from bot.knowledge.model import KeyFormat

MAX_LINE = 1_000_000  # bytes of one input line; a longer line is an error, not a stall
MAX_ID = 200  # characters of a conversation id
FIELDS = {"conversation", "text", "action", "lang"}


class LineError(ValueError):
    """A line that cannot be taken; its message goes out as the line's ``error``."""


def reply_json(reply: Reply, intent: str = "") -> dict[str, Any]:
    """A reply as ``diagnose --json`` shows it, with the rules file's ids of its step."""
    from bot.render.renderer import render

    rendered = render(reply, "cli")
    out: dict[str, Any] = {
        "kind": reply.kind, "text": rendered.fallback,
        "choices": [{"value": v, "label": label} for v, label in rendered.choices],
        "links": [{"url": u, "label": label} for u, label in rendered.links]}
    if reply.kind == "ask":
        out.update(intent=reply.intent, id=reply.question)
    elif reply.kind == "remedy":
        out.update(intent=reply.intent, id=reply.remedy)
    elif reply.kind == "closed":
        out.update(intent=intent, id=reply.outcome)
    elif reply.kind == "escalate" and reply.summary.outcome:
        out.update(intent=reply.summary.intent or intent, id=reply.summary.outcome)
    return out


def lines(stream: IO[bytes]) -> Iterator[bytes | None]:
    """Each line of ``stream`` without its newline; ``None`` for one longer than MAX_LINE
    (read through to its end, never held whole)."""
    while True:
        line = stream.readline(MAX_LINE + 1)
        if not line:
            return
        if len(line) > MAX_LINE and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(MAX_LINE)
            yield None
            continue
        yield line.rstrip(b"\r\n")


def parse(raw: bytes | None) -> dict[str, Any]:
    """The request on one line, checked; raises LineError saying what is wrong."""
    if raw is None:
        raise LineError(f"the line is longer than {MAX_LINE} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise LineError("the line is not UTF-8 text") from None
    if not text.strip():
        raise LineError("the line is empty; expected a JSON object")
    try:
        request = json.loads(text)
    except RecursionError:
        raise LineError("the JSON is nested too deeply") from None
    except ValueError as err:
        raise LineError(f"the line is not JSON: {err}") from None
    if not isinstance(request, dict):
        raise LineError("expected a JSON object such as "
                        '{"conversation": "c1", "text": "my key has expired"}')
    unknown = sorted(set(request) - FIELDS)
    if unknown:
        raise LineError(f"unknown field {unknown[0]!r}; the fields are "
                        + ", ".join(sorted(FIELDS)))
    conversation = request.get("conversation")
    if not isinstance(conversation, str) or not conversation.strip() \
            or len(conversation) > MAX_ID:
        raise LineError(f'"conversation" must be a non-empty string of at most {MAX_ID} '
                        "characters")
    if ("text" in request) == ("action" in request):
        raise LineError('give exactly one of "text" and "action"')
    for name in ("text", "action", "lang"):
        if name in request and not isinstance(request[name], str):
            raise LineError(f'"{name}" must be a string')
    return request


def masked(value: Any, key_format: KeyFormat) -> Any:
    """``value`` with every product key in its strings masked."""
    if isinstance(value, str):
        return find_key(value, key_format)[0]
    if isinstance(value, list):
        return [masked(item, key_format) for item in value]
    if isinstance(value, dict):
        return {masked(k, key_format): masked(v, key_format) for k, v in value.items()}
    return value


def answer(assistant: Assistant, raw: bytes | None, number: int,
           lang: str | None) -> dict[str, Any]:
    """The output object for one input line (a turn, or the line's error)."""
    try:
        request = parse(raw)
    except LineError as err:
        return {"line": number, "error": str(err)}
    key_format = assistant.brain.knowledge.key_format
    # a key typed into an id or an action is never stored: both are masked before use
    conversation = find_key(request["conversation"], key_format)[0]
    action = find_key(request["action"], key_format)[0] if "action" in request else None
    choice = request.get("lang") or lang
    if choice is not None and choice not in assistant.brain.knowledge.locale_ids:
        return {"line": number, "conversation": conversation,
                "error": f"unknown language {choice!r}; one of "
                         + ", ".join(assistant.brain.knowledge.locale_ids)}
    replies = assistant.handle(conversation, text=request.get("text"), action=action, lang=choice,
                               lang_explicit=choice is not None)
    stored = assistant.store.load(conversation) if assistant.store is not None else None
    intent = stored.intent if stored is not None else ""
    return {"conversation": conversation,
            "replies": [reply_json(reply, intent) for reply in replies],
            "rules": list(stored.fired) if stored is not None else []}


def run(assistant: Assistant, stdin: IO[bytes], stdout: IO[str], lang: str | None) -> None:
    """Answer every line of ``stdin`` on ``stdout``, one JSON object each, flushed."""
    key_format = assistant.brain.knowledge.key_format
    for number, raw in enumerate(lines(stdin), 1):
        out = masked(answer(assistant, raw, number, lang), key_format)
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()
