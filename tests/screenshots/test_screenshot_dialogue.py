"""A screenshot in a conversation: read like a typed message, recorded as "(screenshot)" plus
its masked text, and never a piece of the key in the store, the replies or the logs."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.dialogue.assistant import Assistant
from bot.dialogue.replies import ImageNote
from bot.dialogue.turns import SCREENSHOT_MARK
from bot.render.renderer import render
from bot.understand.image.read import Screenshot
from tests.screenshots.pages import Page, leaked, page_of

Read = Callable[[Page, str], Screenshot]


@pytest.fixture
def assistant(tmp_path: Path) -> Iterator[Assistant]:
    settings = Settings.from_env()._replace(db_path=tmp_path / "conversations.db")
    assistant = Assistant.from_settings(settings)
    yield assistant
    assistant.close()


def stored_bytes(folder: Path) -> bytes:
    """Every byte SQLite wrote (the database, its WAL and shared-memory files)."""
    return b"".join(p.read_bytes() for p in sorted(folder.glob("conversations.db*")))


@pytest.mark.parametrize(("lang", "first_question"), [
    ("ja", "有効期限が切れたキーは自分では延長できません"),
    ("en", "An expired key can't be extended by you"),
])
def test_a_screenshot_gets_the_errors_first_question_and_is_recorded_masked(
        assistant: Assistant, pages: list[Page], read_page: Read, tmp_path: Path,
        caplog: pytest.LogCaptureFixture, lang: str, first_question: str) -> None:
    caplog.set_level(logging.DEBUG)
    page = page_of(pages, "key-expired", lang)
    shot = read_page(page, "photo" if lang == "ja" else "dark")
    replies = assistant.handle("C1", screenshot=shot.message(assistant.brain.knowledge))
    assert replies[0].kind == "ask" and replies[0].lang == lang
    assert first_question in replies[0].text

    conversation = assistant.store.load("C1")
    role, line, _choice = conversation.history[0]  # role, text, choice picked
    assert role == "user" and line.startswith(f"{SCREENSHOT_MARK} ")
    assert line == f"{SCREENSHOT_MARK} {shot.shown}"[:300]
    shown = [render(r, channel).text for r in replies for channel in ("cli", "slack")]
    assert not leaked(page.key, *shown, caplog.text, conversation.to_json())
    assert not leaked(page.key, stored_bytes(tmp_path).decode("utf-8", "replace"))


def test_a_screenshot_with_no_error_asks_for_the_text_and_keeps_the_open_question(
        assistant: Assistant, pages: list[Page], read_page: Read) -> None:
    knowledge = assistant.brain.knowledge
    asked = assistant.handle("C2", text="The product key you entered has expired")
    blank = read_page(page_of(pages, "", "en"), "plain")
    (reply,) = assistant.handle("C2", screenshot=blank.message(knowledge))
    assert isinstance(reply, ImageNote) and reply.reason == "no-error"
    assert reply.choices == asked[0].choices  # the question is still open
    assert "type or paste the error text" in render(reply, "cli").text
    conversation = assistant.store.load("C2")
    assert conversation.step == "other-key" and conversation.streak == 0
    assert conversation.history[-2][1].startswith(SCREENSHOT_MARK)


def test_the_no_error_reply_is_in_the_screenshots_language(
        assistant: Assistant, pages: list[Page], read_page: Read) -> None:
    blank = read_page(page_of(pages, "", "ja"), "plain")
    (reply,) = assistant.handle("C3", screenshot=blank.message(assistant.brain.knowledge))
    assert reply.lang == "ja"
    assert "エラーの文面を入力するか貼り付けてください" in render(reply, "cli").text


@pytest.mark.parametrize(("reason", "words"), [
    ("busy", "Please try again in a minute"),
    ("too-large", "the limit is 10 MB"),
    ("not-image", "PNG, JPEG or WebP"),
    ("too-many-pixels", "too many pixels"),
    ("unreadable", "damaged or incomplete"),
])
def test_an_image_not_read_is_explained_without_a_turn(assistant: Assistant, reason: str,
                                                       words: str) -> None:
    assistant.handle("C4", text="このプロダクト キーは有効期限が切れています")
    before = assistant.store.load("C4")
    (reply,) = assistant.image_note("C4", reason, max_megabytes=10)
    assert reply.lang == "ja" and reply.choices  # the conversation's language, its buttons
    after = assistant.store.load("C4")
    assert (after.turns, after.history) == (before.turns, before.history)
    english = assistant.image_note(None, reason, lang="en", max_megabytes=10)[0]
    assert words in render(english, "slack").text
